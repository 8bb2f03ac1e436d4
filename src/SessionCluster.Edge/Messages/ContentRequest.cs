using SessionCluster.Protocol.Media;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// What a caller asked to send, once read from its API's shape (REST, gRPC or the Cloud facade) and before anything is
/// fetched or uploaded: <see cref="OutboundContent"/> turns it into the message the session sends.
/// </summary>
internal abstract record ContentRequest
{
    public sealed record Text(string Body) : ContentRequest;

    /// <summary>A file from <paramref name="Link"/> (downloaded by the node) or given inline as <paramref name="Bytes"/>; exactly one of them.</summary>
    /// <param name="VoiceNote">Audio sent as a voice note (push-to-talk).</param>
    /// <param name="MimeType">The file's type; null: the link's Content-Type, else the kind's usual type.</param>
    public sealed record Media(MediaKind Kind, Uri? Link, ReadOnlyMemory<byte>? Bytes, string? MimeType, string? Caption, string? FileName, bool VoiceNote = false) : ContentRequest
    {
        public override string ToString() => $"Media {{ Kind = {Kind}, Link = {(Link is null ? "no" : "yes")}, Inline = {(Bytes is { } b ? b.Length : 0)} }}";
    }

    /// <summary>A reaction to the message <paramref name="MessageId"/> of the recipient's chat; an empty <paramref name="Emoji"/> removes ours.</summary>
    public sealed record Reaction(string MessageId, string Emoji) : ContentRequest;
}
