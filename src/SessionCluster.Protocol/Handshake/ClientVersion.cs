using System.Globalization;
using System.Security.Cryptography;
using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Protocol.Handshake;

/// <summary>
/// The WhatsApp Web version a client announces in <c>userAgent.appVersion</c> and hashes into <c>buildHash</c>
/// (docs/PROTOCOL.md §3). The server refuses versions it deems too old (failure 405), so it is a setting, not a constant.
/// </summary>
public sealed record ClientVersion(uint Primary, uint Secondary, uint Tertiary)
{
    /// <summary>Baileys' version, <c>2.3000.1043857760</c>, the one the simulator tests have always sent.</summary>
    public static ClientVersion Default { get; } = new(2, 3000, 1043857760);

    /// <summary><c>MD5("2.3000.N")</c>, the registration's <c>buildHash</c>.</summary>
    public byte[] BuildHash() =>
#pragma warning disable CA5351 // MD5 is what the protocol specifies here; it is an identifier, not a security measure.
        MD5.HashData(System.Text.Encoding.ASCII.GetBytes(ToString()));
#pragma warning restore CA5351

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Primary}.{Secondary}.{Tertiary}");

    internal ClientPayload.Types.UserAgent.Types.AppVersion ToProto() => new() { Primary = Primary, Secondary = Secondary, Tertiary = Tertiary };
}
