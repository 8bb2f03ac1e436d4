using SessionCluster.Protocol.Media;

namespace SessionCluster.Sessions;

/// <summary>
/// A file encrypted and on WhatsApp's media hosts: what a media message carries (docs/PROTOCOL.md §12). The media key is
/// the file's secret: <see cref="ToString"/> leaves it out.
/// </summary>
/// <param name="Kind">What the file was encrypted as (its HKDF info and mms type).</param>
/// <param name="MediaKey">The 32 random bytes the file's keys derive from.</param>
/// <param name="Encrypted">Lengths and hashes of the plaintext and of <c>enc || mac</c>.</param>
/// <param name="Url">Where the host says the file is.</param>
/// <param name="DirectPath">The path other clients download from.</param>
/// <param name="KeyTimestamp">When the media key was made (<c>mediaKeyTimestamp</c>).</param>
public sealed record UploadedMedia(MediaKind Kind, ReadOnlyMemory<byte> MediaKey, EncryptedMedia Encrypted, string Url, string DirectPath, DateTimeOffset KeyTimestamp)
{
    public override string ToString() => $"UploadedMedia {{ Kind = {Kind}, Length = {Encrypted.PlainLength}, DirectPath = {DirectPath} }}";
}
