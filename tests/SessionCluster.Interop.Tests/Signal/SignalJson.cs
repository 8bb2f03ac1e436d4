using System.Text.Json;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// The JSON shapes the Signal peers use for bundles and messages. Keys are hex of the raw 32 bytes;
/// a message is <c>{ type: "pkmsg" | "msg", bodyHex }</c>, the type being WhatsApp's <c>enc type</c>.
/// </summary>
public static class SignalJson
{
    public static object WriteBundle(PreKeyBundle bundle) => new
    {
        registrationId = bundle.RegistrationId,
        identityKeyHex = Hex(bundle.IdentityKey),
        signedPreKeyId = bundle.SignedPreKeyId,
        signedPreKeyHex = Hex(bundle.SignedPreKey),
        signedPreKeySignatureHex = Hex(bundle.SignedPreKeySignature),
        preKeyId = bundle.PreKeyId,
        preKeyHex = bundle.PreKey is { } preKey ? Hex(preKey) : null,
    };

    public static PreKeyBundle ReadBundle(JsonElement json)
    {
        var preKeyId = json.TryGetProperty("preKeyId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetUInt32() : (uint?)null;
        return new PreKeyBundle(
            json.GetProperty("registrationId").GetUInt32(),
            Bytes(json, "identityKeyHex"),
            json.GetProperty("signedPreKeyId").GetUInt32(),
            Bytes(json, "signedPreKeyHex"),
            Bytes(json, "signedPreKeySignatureHex"),
            preKeyId,
            preKeyId is null ? (ReadOnlyMemory<byte>?)null : Bytes(json, "preKeyHex"));
    }

    public static CiphertextMessage ReadMessage(JsonElement json)
    {
        var type = json.GetProperty("type").GetString() switch
        {
            "pkmsg" => CiphertextType.PreKey,
            "msg" => CiphertextType.Whisper,
            var other => throw new InvalidOperationException($"The peer returned the message type '{other}'."),
        };
        return new CiphertextMessage(type, Bytes(json, "bodyHex"));
    }

    private static byte[] Bytes(JsonElement json, string property) => Convert.FromHexString(json.GetProperty(property).GetString()!);

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);
}
