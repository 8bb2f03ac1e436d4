namespace SessionCluster.Sessions;

/// <summary>
/// A received file, downloaded and verified: <see cref="Content"/> reads the plaintext from a temporary file that
/// deletes itself when this (or the stream) is disposed. The plaintext is never held in memory whole.
/// </summary>
/// <param name="Descriptor">What the message said about the file (type, name).</param>
/// <param name="Length">The plaintext's length in bytes.</param>
/// <param name="Content">At the start of the plaintext; readable and seekable. Disposing it deletes the file.</param>
public sealed record DownloadedMedia(MediaDescriptor Descriptor, long Length, Stream Content) : IAsyncDisposable, IDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}
