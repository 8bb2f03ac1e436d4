using SessionCluster.Protocol.Media;
using SessionCluster.Sessions.Content;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// What a caller asked to send, once read from its API's shape (REST, gRPC or the Cloud facade) and before anything is
/// fetched or uploaded: <see cref="OutboundContent"/> turns it into the message the session sends.
/// </summary>
internal abstract record ContentRequest
{
    /// <summary>The id of a message in the recipient's chat this one replies to (quotes), or null.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>User jids mentioned in the text or caption (which has <c>@</c> and each one's number).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    public sealed record Text(string Body) : ContentRequest;

    /// <summary>A text status: the text on an optional background colour (ARGB) in an optional font (docs/PROTOCOL.md §9 "Status").</summary>
    public sealed record StatusText(string Body, uint? BackgroundArgb, Protocol.Wa.E2E.ExtendedTextMessage.Types.FontType? Font) : ContentRequest;

    /// <summary>A file from <paramref name="Link"/> (downloaded by the node) or given inline as <paramref name="Bytes"/>; exactly one of them.</summary>
    /// <param name="VoiceNote">Audio sent as a voice note (push-to-talk).</param>
    /// <param name="MimeType">The file's type; null: the link's Content-Type, else the kind's usual type.</param>
    public sealed record Media(MediaKind Kind, Uri? Link, ReadOnlyMemory<byte>? Bytes, string? MimeType, string? Caption, string? FileName, bool VoiceNote = false) : ContentRequest
    {
        /// <summary>A file uploaded before (<c>POST /v1/uploads</c>) instead of a link or bytes.</summary>
        public string? UploadId { get; init; }

        public override string ToString() => $"Media {{ Kind = {Kind}, Link = {(Link is null ? "no" : "yes")}, Inline = {(Bytes is { } b ? b.Length : 0)} }}";
    }

    /// <summary>A reaction to the message <paramref name="MessageId"/> of the recipient's chat; an empty <paramref name="Emoji"/> removes ours.</summary>
    public sealed record Reaction(string MessageId, string Emoji) : ContentRequest;

    /// <summary>A location pin.</summary>
    public sealed record Location(double Latitude, double Longitude, string? Name, string? Address) : ContentRequest;

    /// <summary>One or more contact cards.</summary>
    public sealed record Contacts(IReadOnlyList<ContactCard> Cards) : ContentRequest;

    /// <summary>A poll of <paramref name="Options"/> of which a voter may choose <paramref name="SelectableCount"/>.</summary>
    public sealed record Poll(string Name, IReadOnlyList<string> Options, int SelectableCount) : ContentRequest;

    /// <summary>A new text for <paramref name="Target"/>, a text this session sent (checked when prepared).</summary>
    public sealed record Edit(KnownMessage Target, string NewText) : ContentRequest;

    /// <summary>Delete <paramref name="Target"/>, a message this session sent, for everyone.</summary>
    public sealed record Revoke(KnownMessage Target) : ContentRequest;

    /// <summary>
    /// A vote for <paramref name="Options"/> (none: take ours back) on the poll <paramref name="PollMessageId"/>. Only the
    /// session holds the poll's secret, so the session seals it (<see cref="Sessions.SessionCommands.VotePoll"/>), not
    /// <see cref="OutboundContent"/>.
    /// </summary>
    public sealed record PollVote(string PollMessageId, IReadOnlyList<string> Options) : ContentRequest;
}
