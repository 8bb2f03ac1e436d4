namespace SessionCluster.Edge.Media;

/// <summary>
/// A file downloaded by <see cref="MediaFetcher"/>, held in a temp file that is deleted when this is disposed (or the
/// process ends): the caller reads <see cref="Content"/> once to encrypt and upload it, and memory stays bounded.
/// </summary>
internal sealed class FetchedMedia : IAsyncDisposable
{
    internal FetchedMedia(Stream content, long length, string? contentType, string? fileName)
    {
        Content = content;
        Length = length;
        ContentType = contentType;
        FileName = fileName;
    }

    /// <summary>The file's bytes, positioned at 0 (a temp file opened with <see cref="FileOptions.DeleteOnClose"/>).</summary>
    public Stream Content { get; }

    /// <summary>How many bytes the source sent.</summary>
    public long Length { get; }

    /// <summary>The media type of the source's Content-Type header, without parameters (<c>image/png</c>); null when it sent none.</summary>
    public string? ContentType { get; }

    /// <summary>The Content-Disposition file name, else the last URL path segment when it has a dot, else null.</summary>
    public string? FileName { get; }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
