using System.Runtime.CompilerServices;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// 32 secret bytes (a sender chain key or a message-key seed) stored inline in the state that owns
/// them. Being a value, it is copied with its owner and never shared between two records, and a new
/// state per message costs no separate array.
/// </summary>
[InlineArray(Size)]
internal struct SenderKeySecret
{
    public const int Size = 32;

    private byte _element0;

    public static SenderKeySecret From(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A sender key secret is {Size} bytes.", nameof(bytes));
        }

        var secret = default(SenderKeySecret);
        bytes.CopyTo(secret);
        return secret;
    }
}
