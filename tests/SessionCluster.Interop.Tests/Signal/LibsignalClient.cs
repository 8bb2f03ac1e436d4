using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>A party in libsignal-client-peer.mjs and its bundle, Kyber prekey included.</summary>
public sealed record ClientParty(int Number, string Address, PreKeyBundle Bundle, uint KyberPreKeyId, byte[] KyberPreKeySerialized);

/// <summary>How libsignal-client read a PreKeySignalMessage, and what its decrypt said.</summary>
public sealed record ClientPreKeyOutcome(
    int? Version, uint? RegistrationId, uint? PreKeyId, uint? SignedPreKeyId, string? ParseError,
    bool Decrypted, byte[]? Plaintext, string? ErrorName, string? ErrorMessage);

/// <summary>
/// @signalapp/libsignal-client 0.103.0 (Signal's Rust libsignal) through
/// tests/Interop/libsignal-client-peer.mjs. Raw 32-byte keys unless a name says serialized.
/// </summary>
public sealed class LibsignalClient(NodePeer peer)
{
    public NodePeer Peer { get; } = peer;

    public async Task<ClientParty> InitAsync()
    {
        var r = await Peer.CallAsync("init", new { });
        var bundle = new PreKeyBundle(
            r.GetProperty("registrationId").GetUInt32(),
            Bytes(r, "identityKeyHex"),
            r.GetProperty("signedPreKeyId").GetUInt32(),
            Bytes(r, "signedPreKeyHex"),
            Bytes(r, "signedPreKeySignatureHex"),
            r.GetProperty("preKeyId").GetUInt32(),
            Bytes(r, "preKeyHex"));
        return new ClientParty(r.GetProperty("party").GetInt32(), r.GetProperty("address").GetString()!, bundle,
            r.GetProperty("kyberPreKeyId").GetUInt32(), Bytes(r, "kyberPreKeySerializedHex"));
    }

    /// <summary>PreKeyBundle.new with our bundle and no Kyber prekey: null when accepted, else "Name: message".</summary>
    public async Task<string?> BundleWithoutKyberAsync(PreKeyBundle bundle)
    {
        var r = await Peer.CallAsync("bundleWithoutKyber", new { bundle = SignalJson.WriteBundle(bundle) });
        return r.GetProperty("ok").GetBoolean() ? null : Error(r.GetProperty("error"));
    }

    /// <summary>PreKeySignalMessage.deserialize, then signalDecryptPreKey, of <paramref name="message"/>.</summary>
    public async Task<ClientPreKeyOutcome> DecryptPreKeyAsync(ClientParty party, string remote, CiphertextMessage message)
    {
        var r = await Peer.CallAsync("decryptPreKey", new { party = party.Number, address = remote, bodyHex = Convert.ToHexStringLower(message.Serialized) });
        var parsed = r.GetProperty("parsed");
        var decrypt = r.GetProperty("decrypt");
        var ok = decrypt.GetProperty("ok").GetBoolean();
        var error = ok ? (JsonElement?)null : decrypt.GetProperty("error");
        return new ClientPreKeyOutcome(
            parsed.ValueKind == JsonValueKind.Null ? null : parsed.GetProperty("version").GetInt32(),
            parsed.ValueKind == JsonValueKind.Null ? null : parsed.GetProperty("registrationId").GetUInt32(),
            parsed.ValueKind == JsonValueKind.Null || parsed.GetProperty("preKeyId").ValueKind == JsonValueKind.Null ? null : parsed.GetProperty("preKeyId").GetUInt32(),
            parsed.ValueKind == JsonValueKind.Null ? null : parsed.GetProperty("signedPreKeyId").GetUInt32(),
            r.TryGetProperty("parseError", out var parseError) ? Error(parseError) : null,
            ok,
            ok ? Bytes(decrypt, "plaintextHex") : null,
            error?.GetProperty("name").GetString(),
            error?.GetProperty("message").GetString());
    }

    /// <summary>SignalMessage.deserialize: (version, counter), or the error.</summary>
    public async Task<(int Version, uint Counter, string? Error)> ParseSignalMessageAsync(byte[] body)
    {
        var r = await Peer.CallAsync("parseSignalMessage", new { bodyHex = Convert.ToHexStringLower(body) });
        return r.GetProperty("ok").GetBoolean()
            ? (r.GetProperty("version").GetInt32(), r.GetProperty("counter").GetUInt32(), null)
            : (0, 0, Error(r.GetProperty("error")));
    }

    /// <summary>A Kyber (ML-KEM) key pair kept in the peer; the serialized public key is what a bundle carries and the identity signs.</summary>
    public async Task<(int Handle, byte[] PublicKeySerialized)> KyberKeyPairAsync()
    {
        var r = await Peer.CallAsync("kyberKeyPair", null);
        return (r.GetProperty("handle").GetInt32(), Bytes(r, "publicKeySerializedHex"));
    }

    /// <summary>A fresh libsignal-client party runs processPreKeyBundle on our bundle plus the Kyber prekey, then signalEncrypt.</summary>
    public async Task<CiphertextMessage> InitiateAsync(PreKeyBundle bundle, int kyberHandle, uint kyberPreKeyId, byte[] kyberSignature, byte[] plaintext) =>
        SignalJson.ReadMessage(await Peer.CallAsync("initiate", new
        {
            bundle = SignalJson.WriteBundle(bundle),
            kyberHandle,
            kyberPreKeyId,
            kyberSignatureHex = Convert.ToHexStringLower(kyberSignature),
            plaintextHex = Convert.ToHexStringLower(plaintext),
        }));

    public async Task<(byte[] PublicKey, byte[] Signature)> SignAsync(byte[] message, byte[]? privateKey = null)
    {
        var r = await Peer.CallAsync("sign", new { messageHex = Convert.ToHexStringLower(message), privateKeyHex = privateKey is null ? null : Convert.ToHexStringLower(privateKey) });
        return (Bytes(r, "publicKeyHex"), Bytes(r, "signatureHex"));
    }

    public async Task<PeerVerdict> VerifyAsync(byte[] publicKey, byte[] message, byte[] signature) =>
        LibsignalNode.ReadVerdict(await Peer.CallAsync("verify", new
        {
            publicKeyHex = Convert.ToHexStringLower(publicKey),
            messageHex = Convert.ToHexStringLower(message),
            signatureHex = Convert.ToHexStringLower(signature),
        }));

    public async Task<byte[]> PublicKeyOfAsync(byte[] privateKey) =>
        Bytes(await Peer.CallAsync("publicKeyOf", new { privateKeyHex = Convert.ToHexStringLower(privateKey) }), "publicKeyHex");

    public async Task<byte[]> AgreeAsync(byte[] privateKey, byte[] publicKey) =>
        Bytes(await Peer.CallAsync("agree", new { privateKeyHex = Convert.ToHexStringLower(privateKey), publicKeyHex = Convert.ToHexStringLower(publicKey) }), "sharedHex");

    /// <summary>libsignal's hkdf(length, ikm, info, salt); a null salt is HKDF's default (32 zero bytes).</summary>
    public async Task<byte[]> HkdfAsync(int length, byte[] inputKeyMaterial, byte[] info, byte[]? salt) =>
        Bytes(await Peer.CallAsync("hkdf", new
        {
            length,
            ikmHex = Convert.ToHexStringLower(inputKeyMaterial),
            infoHex = Convert.ToHexStringLower(info),
            saltHex = salt is null ? null : Convert.ToHexStringLower(salt),
        }), "okmHex");

    /// <summary>libsignal-client's own SenderKeyDistributionMessage.</summary>
    public async Task<byte[]> SenderKeyDistributionAsync() =>
        Bytes(await Peer.CallAsync("senderKeyDistribution", null), "skdmHex");

    /// <summary>SenderKeyDistributionMessage.deserialize: null when it parses, else "Name: message".</summary>
    public async Task<string?> ParseSenderKeyDistributionAsync(byte[] distribution)
    {
        var r = await Peer.CallAsync("parseSenderKeyDistribution", new { skdmHex = Convert.ToHexStringLower(distribution) });
        return r.GetProperty("ok").GetBoolean() ? null : Error(r.GetProperty("error"));
    }

    private static string Error(JsonElement error) => $"{error.GetProperty("name").GetString()}: {error.GetProperty("message").GetString()}";

    private static byte[] Bytes(JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);
}
