using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>A party living in signal-peer.mjs: its number there, its address, and its public identity.</summary>
public sealed record NodeParty(int Number, string Address, uint RegistrationId, byte[] IdentityKey, uint SignedPreKeyId, byte[] SignedPreKey, byte[] SignedPreKeySignature);

/// <summary>What the peer made of one message of a batch: the plaintext, or libsignal's / Baileys' error.</summary>
/// <param name="Causes">Lines libsignal-node only logged (console.error) while failing, e.g. the per-session errors behind "No matching sessions found for message".</param>
public sealed record PeerDecryption(byte[]? Plaintext, string? ErrorName, string? ErrorMessage, IReadOnlyList<string> Causes)
{
    public bool Succeeded => Plaintext is not null;

    public override string ToString() => Succeeded
        ? $"ok ({Plaintext!.Length} bytes)"
        : $"{ErrorName}: {ErrorMessage}{(Causes.Count == 0 ? "" : " [" + string.Join(" | ", Causes) + "]")}";
}

/// <summary>One message of Baileys' group cipher, with the key id and iteration it carries.</summary>
public sealed record BaileysGroupMessage(byte[] Ciphertext, uint KeyId, uint Iteration);

/// <summary>A verdict of a signature check in the peer; <paramref name="Error"/> is set when the check threw (malformed input).</summary>
public sealed record PeerVerdict(bool Valid, string? Error);

/// <summary>
/// libsignal-node 6.0.0 and Baileys' sender-key classes, through tests/Interop/signal-peer.mjs
/// (its header lists the ops). Keys cross as raw 32 bytes; messages as their wire bytes.
/// </summary>
public sealed class LibsignalNode(NodePeer peer)
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(120);

    public NodePeer Peer { get; } = peer;

    /// <summary>A fresh device in the peer. <paramref name="senderKeyJson"/> is "baileys" (Baileys' exact store) or "buffer-json".</summary>
    public async Task<NodeParty> InitAsync(int preKeyCount = 3, uint firstPreKeyId = 1, string senderKeyJson = "baileys", uint? registrationId = null)
    {
        var result = await Peer.CallAsync("init", new { preKeyCount, firstPreKeyId, senderKeyJson, registrationId });
        var signed = result.GetProperty("signedPreKey");
        return new NodeParty(
            result.GetProperty("party").GetInt32(),
            result.GetProperty("address").GetString()!,
            result.GetProperty("registrationId").GetUInt32(),
            Bytes(result, "identityKeyHex"),
            signed.GetProperty("id").GetUInt32(),
            Bytes(signed, "publicKeyHex"),
            Bytes(signed, "signatureHex"));
    }

    /// <summary>The party's bundle, with the next one-time prekey it has not handed out yet unless <paramref name="withPreKey"/> is false.</summary>
    public async Task<PreKeyBundle> BundleAsync(NodeParty party, bool withPreKey = true) =>
        SignalJson.ReadBundle(await Peer.CallAsync("bundle", new { party = party.Number, withPreKey }));

    /// <summary>The ids of the one-time prekeys the party still holds (libsignal removes one when a session consumes it).</summary>
    public async Task<uint[]> RemainingPreKeysAsync(NodeParty party)
    {
        var result = await Peer.CallAsync("preKeys", new { party = party.Number });
        return [.. result.GetProperty("remaining").EnumerateArray().Select(id => id.GetUInt32())];
    }

    /// <summary>libsignal's SessionBuilder.initOutgoing with our bundle.</summary>
    public Task ProcessBundleAsync(NodeParty party, string remote, PreKeyBundle bundle) =>
        Peer.CallAsync("processBundle", new { party = party.Number, address = remote, bundle = SignalJson.WriteBundle(bundle) });

    public async Task<CiphertextMessage> EncryptAsync(NodeParty party, string remote, byte[] plaintext) =>
        SignalJson.ReadMessage(await Peer.CallAsync("encrypt", new { party = party.Number, address = remote, plaintextHex = Hex(plaintext) }));

    public async Task<IReadOnlyList<CiphertextMessage>> EncryptManyAsync(NodeParty party, string remote, IEnumerable<byte[]> plaintexts)
    {
        var result = await Peer.CallAsync("encryptMany", new { party = party.Number, address = remote, plaintextsHex = plaintexts.Select(Hex).ToArray() }, BatchTimeout);
        return [.. result.EnumerateArray().Select(SignalJson.ReadMessage)];
    }

    /// <summary>Decrypts one message and throws <see cref="NodePeerException"/> with libsignal's error if it fails.</summary>
    public async Task<byte[]> DecryptAsync(NodeParty party, string remote, CiphertextMessage message) =>
        Bytes(await Peer.CallAsync("decrypt", new { party = party.Number, address = remote, type = message.WireType, bodyHex = Hex(message.Serialized) }), "plaintextHex");

    /// <summary>Decrypts each message in order, reporting each outcome; one failure does not stop the rest.</summary>
    public async Task<IReadOnlyList<PeerDecryption>> DecryptManyAsync(NodeParty party, string remote, IEnumerable<CiphertextMessage> messages)
    {
        var items = messages.Select(m => new { type = m.WireType, bodyHex = Hex(m.Serialized) }).ToArray();
        var result = await Peer.CallAsync("decryptMany", new { party = party.Number, address = remote, messages = items }, BatchTimeout);
        return ReadDecryptions(result);
    }

    /// <summary>Whether the party has a record for <paramref name="remote"/>, an open session in it, how many sessions and how many closed.</summary>
    public async Task<(bool Exists, bool Open, int Sessions, int Closed)> SessionAsync(NodeParty party, string remote)
    {
        var result = await Peer.CallAsync("session", new { party = party.Number, address = remote });
        return (result.GetProperty("exists").GetBoolean(), result.GetProperty("open").GetBoolean(),
            result.GetProperty("sessions").GetInt32(), result.GetProperty("closed").GetInt32());
    }

    /// <summary>The registration id libsignal keeps for the peer of its open session with <paramref name="remote"/>.</summary>
    public async Task<uint?> RemoteRegistrationIdAsync(NodeParty party, string remote)
    {
        var id = (await Peer.CallAsync("session", new { party = party.Number, address = remote })).GetProperty("registrationId");
        return id.ValueKind == JsonValueKind.Number ? id.GetUInt32() : null;
    }

    // ---- Baileys' group classes ----

    /// <summary>GroupSessionBuilder.create for the party as sender: its SKDM and the sender address others file it under.</summary>
    public async Task<(string SenderAddress, byte[] Distribution)> GroupCreateAsync(NodeParty party, string groupId)
    {
        var result = await Peer.CallAsync("groupCreate", new { party = party.Number, groupId });
        return (result.GetProperty("senderAddress").GetString()!, Bytes(result, "skdmHex"));
    }

    public Task GroupProcessAsync(NodeParty party, string groupId, string senderAddress, byte[] distribution) =>
        Peer.CallAsync("groupProcess", new { party = party.Number, groupId, senderAddress, skdmHex = Hex(distribution) });

    /// <summary>Forgets the party's own sender key for the group, so the next create starts a new key id.</summary>
    public Task GroupResetAsync(NodeParty party, string groupId) =>
        Peer.CallAsync("groupReset", new { party = party.Number, groupId });

    public async Task<IReadOnlyList<BaileysGroupMessage>> GroupEncryptManyAsync(NodeParty party, string groupId, IEnumerable<byte[]> plaintexts)
    {
        var result = await Peer.CallAsync("groupEncryptMany", new { party = party.Number, groupId, plaintextsHex = plaintexts.Select(Hex).ToArray() }, BatchTimeout);
        return [.. result.EnumerateArray().Select(m => new BaileysGroupMessage(Bytes(m, "ciphertextHex"), m.GetProperty("keyId").GetUInt32(), m.GetProperty("iteration").GetUInt32()))];
    }

    public async Task<IReadOnlyList<PeerDecryption>> GroupDecryptManyAsync(NodeParty party, string groupId, string senderAddress, IEnumerable<byte[]> ciphertexts)
    {
        var result = await Peer.CallAsync("groupDecryptMany", new { party = party.Number, groupId, senderAddress, ciphertextsHex = ciphertexts.Select(Hex).ToArray() }, BatchTimeout);
        return ReadDecryptions(result);
    }

    /// <summary>The sender-key states the party holds for a sender: key id, chain iteration, stored message keys.</summary>
    public async Task<IReadOnlyList<(uint KeyId, uint Iteration, int MessageKeys)>> GroupStateAsync(NodeParty party, string groupId, string senderAddress)
    {
        var result = await Peer.CallAsync("groupState", new { party = party.Number, groupId, senderAddress });
        return [.. result.GetProperty("states").EnumerateArray().Select(s => (s.GetProperty("keyId").GetUInt32(), s.GetProperty("iteration").GetUInt32(), s.GetProperty("messageKeys").GetInt32()))];
    }

    // ---- curve ----

    /// <summary>libsignal's curve.calculateSignature, with <paramref name="privateKey"/> or a fresh key pair.</summary>
    public async Task<(byte[] PublicKey, byte[] Signature)> SignAsync(byte[] message, byte[]? privateKey = null)
    {
        var result = await Peer.CallAsync("sign", new { messageHex = Hex(message), privateKeyHex = privateKey is null ? null : Hex(privateKey) });
        return (Bytes(result, "publicKeyHex"), Bytes(result, "signatureHex"));
    }

    /// <summary>libsignal's curve.verifySignature: its return value, or the error it threw.</summary>
    public async Task<PeerVerdict> VerifyAsync(byte[] publicKey, byte[] message, byte[] signature) =>
        ReadVerdict(await Peer.CallAsync("verify", new { publicKeyHex = Hex(publicKey), messageHex = Hex(message), signatureHex = Hex(signature) }));

    /// <summary>Baileys' Curve.verify (lib/Utils/crypto.js), which Baileys uses for ADV and Noise certificate signatures.</summary>
    public async Task<bool> BaileysVerifyAsync(byte[] publicKey, byte[] message, byte[] signature) =>
        ReadVerdict(await Peer.CallAsync("baileysVerify", new { publicKeyHex = Hex(publicKey), messageHex = Hex(message), signatureHex = Hex(signature) })).Valid;

    /// <summary>libsignal's keyhelper.generateSignedPreKey under a fresh identity.</summary>
    public async Task<(byte[] IdentityKey, uint KeyId, byte[] PublicKey, byte[] Signature)> MakeSignedPreKeyAsync(uint keyId)
    {
        var result = await Peer.CallAsync("makeSignedPreKey", new { keyId });
        return (Bytes(result, "identityKeyHex"), result.GetProperty("keyId").GetUInt32(), Bytes(result, "publicKeyHex"), Bytes(result, "signatureHex"));
    }

    internal static IReadOnlyList<PeerDecryption> ReadDecryptions(JsonElement results) =>
        [.. results.EnumerateArray().Select(r =>
        {
            if (r.GetProperty("ok").GetBoolean())
            {
                return new PeerDecryption(Bytes(r, "plaintextHex"), null, null, []);
            }

            var error = r.GetProperty("error");
            var causes = error.TryGetProperty("causes", out var list) ? list.EnumerateArray().Select(c => c.GetString()!).ToArray() : [];
            return new PeerDecryption(null, error.GetProperty("name").GetString(), error.GetProperty("message").GetString(), causes);
        })];

    internal static PeerVerdict ReadVerdict(JsonElement result) =>
        new(result.GetProperty("valid").GetBoolean(),
            result.TryGetProperty("error", out var error) ? $"{error.GetProperty("name").GetString()}: {error.GetProperty("message").GetString()}" : null);

    private static byte[] Bytes(JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
