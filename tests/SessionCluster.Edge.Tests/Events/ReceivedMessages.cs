using Google.Protobuf;
using SessionCluster.Edge.Events;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Tests.Events;

/// <summary>Received messages built as the session stores them, and their API events, for tests of the receive side without a node.</summary>
internal static class ReceivedMessages
{
    public const string Session = "inbox";
    public const string Peer = "15550009001@s.whatsapp.net";
    public const string PeerLid = "90000000000001@lid";
    public const string Own = "15550009000@s.whatsapp.net";
    public const string Group = "120363000000000001@g.us";
    public static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);

    /// <summary>Secrets a media message carries: none may ever appear in an event or a webhook.</summary>
    public static readonly byte[] MediaKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    public static readonly byte[] EncSha256 = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    public static readonly byte[] Sha256 = [.. Enumerable.Range(200, 32).Select(i => (byte)i)];
    public const string DirectPath = "/v/t62.7118-24/secret-direct-path.enc?ccb=11-4&oh=01_secret";
    public const string CdnUrl = "https://mmg.whatsapp.net/v/t62.7118-24/secret-url.enc?mms3=true";

    public static MessageReceivedBody From(Message message, string id = "3EB0A1B2C3D4E5F60718", string chat = Peer, string sender = Peer, bool fromMe = false) =>
        new(id, chat, null, sender, sender == Peer ? PeerLid : null, sender + ":0", At, fromMe, message, false, "Peer");

    public static EventView View(MessageReceivedBody body, Func<string, bool>? isOwnAccount = null) =>
        EventView.From(Session, new SessionEvent(Guid.CreateVersion7(), new SessionId(Session), 7, At, body), isOwnAccount);

    public static ImageMessage Image(string? caption = "a photo") => new()
    {
        URL = CdnUrl,
        Mimetype = "image/jpeg",
        Caption = caption ?? "",
        FileSHA256 = ByteString.CopyFrom(Sha256),
        FileLength = 123_456,
        Width = 640,
        Height = 480,
        MediaKey = ByteString.CopyFrom(MediaKey),
        FileEncSHA256 = ByteString.CopyFrom(EncSha256),
        DirectPath = DirectPath,
        MediaKeyTimestamp = 1_760_000_000,
    };

    public static AudioMessage Audio(bool ptt) => new()
    {
        URL = CdnUrl,
        Mimetype = "audio/ogg; codecs=opus",
        FileSHA256 = ByteString.CopyFrom(Sha256),
        FileLength = 9_000,
        Seconds = 7,
        PTT = ptt,
        MediaKey = ByteString.CopyFrom(MediaKey),
        FileEncSHA256 = ByteString.CopyFrom(EncSha256),
        DirectPath = DirectPath,
    };

    public static MessageKey Key(string id, bool fromMe, string remote = Own, string? participant = null)
    {
        var key = new MessageKey { ID = id, FromMe = fromMe, RemoteJID = remote };
        if (participant is not null)
        {
            key.Participant = participant;
        }

        return key;
    }
}
