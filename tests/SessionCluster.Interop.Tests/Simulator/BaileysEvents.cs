using System.Globalization;
using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// One event pushed by tests/Interop/baileys-client-peer.mjs, in arrival order. <see cref="Sequence"/>
/// is its position in <see cref="BaileysClient.Events"/>; <see cref="Data"/> keeps the raw JSON for
/// anything the typed properties do not cover.
/// </summary>
public abstract record BaileysEvent
{
    /// <summary>Zero-based position in the client's event history (see <see cref="BaileysClient.Mark"/>).</summary>
    public int Sequence { get; init; }

    /// <summary>The event's <c>data</c> object as the driver sent it.</summary>
    public JsonElement Data { get; init; }

    /// <summary>The event name on the wire (<c>qr</c>, <c>connection</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>A one-line form for failure messages.</summary>
    public sealed override string ToString()
    {
        var json = Data.ValueKind == JsonValueKind.Undefined ? "" : Data.GetRawText();
        return $"#{Sequence} {Name} {(json.Length <= 400 ? json : json[..400] + "…")}";
    }

    internal static BaileysEvent From(int sequence, NodePeerEvent raw)
    {
        var d = raw.Data;
        BaileysEvent typed = raw.Name switch
        {
            "qr" => new BaileysQr(Str(d, "qr") ?? "", Int(d, "generation") ?? 0),
            "pairingCode" => new BaileysPairingCode(Str(d, "code") ?? "", Int(d, "generation") ?? 0),
            "connection" => new BaileysConnectionUpdate(
                Int(d, "generation") ?? 0, Str(d, "connection"), Int(d, "statusCode"), Str(d, "error"),
                Bool(d, "isNewLogin"), Str(d, "qr"), Bool(d, "receivedPendingNotifications")),
            "restart" => new BaileysRestart(Int(d, "generation") ?? 0, Int(d, "previousGeneration") ?? 0, Int(d, "statusCode") ?? 0, Int(d, "attempt") ?? 0),
            "creds" => new BaileysCreds(
                Int(d, "generation") ?? 0, Str(d, "me"), Str(d, "lid"), Str(d, "name"), Bool(d, "registered") == true, Bool(d, "paired") == true),
            "message" => new BaileysMessage(
                Int(d, "generation") ?? 0, Str(d, "upsertType"), BaileysMessageKey.From(d), Str(d, "pushName"), Long(d, "timestamp"),
                Str(d, "type"), Str(d, "text"), Str(d, "caption"), Bool(d, "hasMedia") == true,
                Int(d, "stubType"), Str(d, "stubName"), Strings(d, "stubParameters")),
            "receipt" => new BaileysReceipt(
                Int(d, "generation") ?? 0, Str(d, "source") ?? "", BaileysMessageKey.From(d), Int(d, "status"), Str(d, "statusName"),
                Str(d, "userJid"), Long(d, "receiptTimestamp"), Long(d, "readTimestamp")),
            "group" => new BaileysGroupEvent(Int(d, "generation") ?? 0, Str(d, "kind") ?? ""),
            "error" => new BaileysError(Str(d, "origin") ?? "", Str(d, "message") ?? "", Str(d, "stack")),
            "encryptFailure" => new BaileysEncryptFailure(Int(d, "generation") ?? 0, Str(d, "jid"), Str(d, "errorName"), Str(d, "error")),
            "decryptFailure" => new BaileysDecryptFailure(
                Int(d, "generation") ?? 0, Str(d, "id"), Str(d, "remoteJid"), Str(d, "participant"), Str(d, "messageType"), Str(d, "errorName"), Str(d, "error")),
            _ => new BaileysOtherEvent(raw.Name),
        };
        return typed with { Sequence = sequence, Data = d };
    }

    internal static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    internal static string? Str(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;

    private static long? Long(JsonElement element, string name) => Property(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var value) => value,
        { ValueKind: JsonValueKind.String } text when long.TryParse(text.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        _ => null,
    };

    internal static bool? Bool(JsonElement element, string name) => Property(element, name).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() ?? "" : item.GetRawText())]
            : [];
}

/// <summary>
/// The companion shows a QR. Baileys rc14 builds <c>https://wa.me/settings/linked_devices#ref,noiseKey,identityKey,advSecret,platform</c>
/// (keys in base64): five comma-separated parts, the first carrying the URL prefix.
/// </summary>
public sealed record BaileysQr(string Qr, int Generation) : BaileysEvent
{
    public override string Name => "qr";

    /// <summary>The QR string split at commas.</summary>
    public IReadOnlyList<string> Parts => Qr.Split(',');
}

/// <summary>Baileys produced a pairing code (requestPairingCode or start's phoneForPairingCode).</summary>
public sealed record BaileysPairingCode(string Code, int Generation) : BaileysEvent
{
    public override string Name => "pairingCode";
}

/// <summary>
/// One Baileys <c>connection.update</c>. <see cref="Connection"/> is <c>connecting</c>, <c>open</c>,
/// <c>close</c> or null (a partial update such as a QR or isNewLogin); <see cref="StatusCode"/> is the
/// close's Boom status (515 restart required, 440 replaced, 401 logged out, 428 closed, 408 lost/timed out).
/// </summary>
public sealed record BaileysConnectionUpdate(
    int Generation,
    string? Connection,
    int? StatusCode,
    string? Error,
    bool? IsNewLogin,
    string? Qr,
    bool? ReceivedPendingNotifications) : BaileysEvent
{
    public override string Name => "connection";

    public bool IsOpen => Connection == "open";

    public bool IsClose => Connection == "close";
}

/// <summary>The driver created socket <see cref="Generation"/> after the previous one closed with <see cref="StatusCode"/> 515.</summary>
public sealed record BaileysRestart(int Generation, int PreviousGeneration, int StatusCode, int Attempt) : BaileysEvent
{
    public override string Name => "restart";
}

/// <summary>The credentials after a <c>creds.update</c>: <see cref="Me"/> is the device JID once paired.</summary>
public sealed record BaileysCreds(int Generation, string? Me, string? Lid, string? PushName, bool Registered, bool Paired) : BaileysEvent
{
    public override string Name => "creds";
}

/// <summary>A message key as Baileys holds it; <see cref="Raw"/> is sent back verbatim (e.g. to readMessages).</summary>
public sealed record BaileysMessageKey(string? RemoteJid, bool FromMe, string? Id, string? Participant, JsonElement Raw)
{
    internal static BaileysMessageKey From(JsonElement data)
    {
        var key = BaileysEvent.Property(data, "key");
        return new BaileysMessageKey(
            BaileysEvent.Str(key, "remoteJid"), BaileysEvent.Bool(key, "fromMe") == true, BaileysEvent.Str(key, "id"), BaileysEvent.Str(key, "participant"), key);
    }

    public override string ToString() => $"{RemoteJid}/{Id}{(FromMe ? " (from me)" : "")}{(Participant is null ? "" : " by " + Participant)}";
}

/// <summary>
/// One entry of <c>messages.upsert</c>. A message Baileys could not decrypt arrives as a stub:
/// <see cref="StubName"/> <c>CIPHERTEXT</c> with the reason in <see cref="StubParameters"/>.
/// </summary>
public sealed record BaileysMessage(
    int Generation,
    string? UpsertType,
    BaileysMessageKey Key,
    string? PushName,
    long? Timestamp,
    string? Type,
    string? Text,
    string? Caption,
    bool HasMedia,
    int? StubType,
    string? StubName,
    IReadOnlyList<string> StubParameters) : BaileysEvent
{
    public override string Name => "message";

    /// <summary>True for the CIPHERTEXT stub Baileys upserts when decryption failed.</summary>
    public bool IsDecryptFailure => StubName == "CIPHERTEXT";
}

/// <summary>
/// A status change of a message this client sent (<c>messages.update</c>: <see cref="Status"/> 2 server ack,
/// 3 delivered, 4 read) or a per-recipient receipt (<c>message-receipt.update</c>: <see cref="UserJid"/> and timestamps).
/// </summary>
public sealed record BaileysReceipt(
    int Generation,
    string Source,
    BaileysMessageKey Key,
    int? Status,
    string? StatusName,
    string? UserJid,
    long? ReceiptTimestamp,
    long? ReadTimestamp) : BaileysEvent
{
    public override string Name => "receipt";
}

/// <summary><c>groups.upsert</c>, <c>groups.update</c> or <c>group-participants.update</c>; the payload is in <c>Data.data</c>.</summary>
public sealed record BaileysGroupEvent(int Generation, string Kind) : BaileysEvent
{
    public override string Name => "group";
}

/// <summary>
/// Baileys logged that a message did not decrypt (its "failed to decrypt message"). Some failures also upsert a
/// CIPHERTEXT stub and send a retry receipt; one whose cause is "Key used already or never filled" is only nacked.
/// </summary>
public sealed record BaileysDecryptFailure(
    int Generation, string? Id, string? RemoteJid, string? Participant, string? MessageType, string? ErrorName, string? Error) : BaileysEvent
{
    public override string Name => "decryptFailure";
}

/// <summary>
/// Baileys logged that it could not encrypt a message it sends for the device <see cref="Jid"/> ("Failed to encrypt for
/// recipient"): that device is left out of the message, the other devices get it. The log names no message id.
/// </summary>
public sealed record BaileysEncryptFailure(int Generation, string? Jid, string? ErrorName, string? Error) : BaileysEvent
{
    public override string Name => "encryptFailure";
}

/// <summary>Something failed inside the driver outside any call: an unhandled rejection, an exception, a failed restart.</summary>
public sealed record BaileysError(string Origin, string Message, string? Stack) : BaileysEvent
{
    public override string Name => "error";
}

/// <summary>An event this wrapper has no type for; read <see cref="BaileysEvent.Data"/>.</summary>
public sealed record BaileysOtherEvent(string EventName) : BaileysEvent
{
    public override string Name => EventName;
}
