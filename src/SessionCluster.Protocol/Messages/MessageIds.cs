using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Protocol.Messages;

/// <summary>
/// Message ids as WhatsApp clients make them (docs/PROTOCOL.md §9, BL generateMessageIDV2 / WM GenerateMessageID):
/// <c>"3EB0"</c> + uppercase hex of the first 9 bytes of SHA-256(uint64 BE unix seconds ‖ own user + "@c.us" ‖ 16 random bytes).
/// </summary>
public static class MessageIds
{
    /// <param name="ownUser">The sender's user part (phone number), without device or server.</param>
    public static string New(string ownUser, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ownUser);
        var user = Encoding.UTF8.GetBytes(ownUser + "@c.us");
        var data = new byte[8 + user.Length + 16];
        BinaryPrimitives.WriteUInt64BigEndian(data, (ulong)now.ToUnixTimeSeconds());
        user.CopyTo(data, 8);
        RandomNumberGenerator.Fill(data.AsSpan(8 + user.Length));
        return "3EB0" + Convert.ToHexString(SHA256.HashData(data).AsSpan(0, 9));
    }
}
