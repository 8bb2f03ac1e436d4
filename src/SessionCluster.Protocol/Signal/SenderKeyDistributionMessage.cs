using Google.Protobuf;
using SessionCluster.Protocol.Signal.SenderKeyProto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// What a group sender hands each member over the pairwise session so they can read its group
/// messages (docs/PROTOCOL.md §11): 0x33 || SenderKeyDistributionBody{id = 1, iteration = 2, chainKey = 3 (32 bytes),
/// signingKey = 4 (0x05 || 32 bytes)}.
/// </summary>
internal sealed class SenderKeyDistributionMessage
{
    private SenderKeyDistributionMessage(uint keyId, uint iteration, byte[] chainKey, byte[] signingPublicKey)
    {
        KeyId = keyId;
        Iteration = iteration;
        ChainKey = chainKey;
        SigningPublicKey = signingPublicKey;
    }

    public uint KeyId { get; }

    public uint Iteration { get; }

    /// <summary>32 bytes: the chain key at <see cref="Iteration"/>.</summary>
    public byte[] ChainKey { get; }

    /// <summary>32 bytes, raw (the 0x05 is stripped).</summary>
    public byte[] SigningPublicKey { get; }

    public static byte[] Serialize(uint keyId, uint iteration, ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> signingPublicKey)
    {
        var body = new SenderKeyDistributionBody
        {
            Id = keyId,
            Iteration = iteration,
            ChainKey = ByteString.CopyFrom(chainKey),
            SigningKey = UnsafeByteOperations.UnsafeWrap(SignalPublicKey.Serialize(signingPublicKey)),
        };
        var serialized = new byte[1 + body.CalculateSize()];
        serialized[0] = SenderKeyMessage.VersionByte;
        body.WriteTo(serialized.AsSpan(1));
        return serialized;
    }

    /// <exception cref="SignalDecryptException">InvalidMessage or UnsupportedVersion.</exception>
    public static SenderKeyDistributionMessage Parse(ReadOnlySpan<byte> serialized)
    {
        if (serialized.IsEmpty)
        {
            throw Invalid("it is empty");
        }

        if (serialized[0] >> 4 != SenderKeyMessage.CurrentVersion)
        {
            throw new SignalDecryptException(DecryptFailure.UnsupportedVersion, $"sender key distribution version {serialized[0] >> 4}; only {SenderKeyMessage.CurrentVersion} is read");
        }

        SenderKeyDistributionBody body;
        try
        {
            body = SenderKeyDistributionBody.Parser.ParseFrom(serialized[1..]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "not a sender key distribution message: the body is not valid protobuf", e);
        }

        if (!body.HasId || !body.HasIteration || !body.HasChainKey || !body.HasSigningKey)
        {
            throw Invalid("the key id, iteration, chain key or signing key is missing");
        }

        if (body.ChainKey.Length != SenderKeySecret.Size)
        {
            throw Invalid($"the chain key is {body.ChainKey.Length} bytes, not {SenderKeySecret.Size}");
        }

        if (!SignalPublicKey.TryParse(body.SigningKey.Span, out var signingPublicKey))
        {
            throw Invalid("the signing key is not 0x05 followed by 32 bytes");
        }

        return new SenderKeyDistributionMessage(body.Id, body.Iteration, body.ChainKey.ToByteArray(), signingPublicKey);
    }

    private static SignalDecryptException Invalid(string reason) => new(DecryptFailure.InvalidMessage, $"not a sender key distribution message: {reason}");
}
