using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The external blobs of a fetch answer (docs/PROTOCOL.md §14 "External blobs"): a collection's <c>&lt;snapshot&gt;</c> and
/// the patches whose mutations sit in an uploaded SyncdMutations. Downloaded like media of kind App State through the
/// session's media path, decrypted and hash-checked, then parsed; the verification of their MACs stays with the codecs.
/// </summary>
internal static class AppStateBlobs
{
    /// <summary>A snapshot of a real account stays far below this; more is not taken into memory.</summary>
    public const long MaxBlobBytes = 64L * 1024 * 1024;

    /// <summary>Whether anything of <paramref name="collection"/> must be downloaded before it can be verified.</summary>
    public static bool NeedsDownload(FetchedCollection collection) =>
        collection.SnapshotReference is not null || collection.Patches.Any(p => p.ExternalMutations is not null);

    /// <summary>What the media downloader is asked for: the reference as a file of kind App State.</summary>
    public static MediaDescriptor Descriptor(ExternalBlobReference reference)
    {
        var hashes = AppStateExternalBlobs.Hashes(reference);
        return new MediaDescriptor(MediaKind.AppState, reference.DirectPath, null, reference.MediaKey.ToByteArray(), hashes.FileEncSha256, hashes.FileSha256,
            reference.HasFileSizeBytes && reference.FileSizeBytes <= long.MaxValue ? (long)reference.FileSizeBytes : null, "application/octet-stream", null, false);
    }

    /// <summary>
    /// The collection with its snapshot read and its external mutations merged into their patches. A blob that cannot be
    /// had stops the collection there: the patches before it are kept and <see cref="FetchedCollection.BlobFailure"/> says why.
    /// </summary>
    public static async Task<FetchedCollection> ResolveAsync(FetchedCollection collection, Func<ExternalBlobReference, Task<byte[]>> download)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(download);
        SyncdSnapshot? snapshot = null;
        try
        {
            if (collection.SnapshotReference is { } reference)
            {
                snapshot = AppStateSnapshotCodec.Parse(await download(reference).ConfigureAwait(false));
            }
        }
        catch (AppStateException e)
        {
            return collection with { Patches = [], BlobFailure = e };
        }

        var patches = new List<SyncdPatch>(collection.Patches.Count);
        foreach (var patch in collection.Patches)
        {
            if (patch.ExternalMutations is not { } external)
            {
                patches.Add(patch);
                continue;
            }

            try
            {
                patches.Add(AppStateExternalBlobs.WithExternalMutations(patch, AppStateExternalBlobs.ParseMutations(await download(external).ConfigureAwait(false))));
            }
            catch (AppStateException e)
            {
                return collection with { Snapshot = snapshot, Patches = patches, BlobFailure = e };
            }
        }

        return collection with { Snapshot = snapshot, Patches = patches };
    }

    /// <summary>Downloads one blob from <paramref name="hosts"/>; every failure becomes an <see cref="AppStateFailure.ExternalBlob"/>.</summary>
    public static async Task<byte[]> DownloadAsync(MediaDownloader? downloader, IReadOnlyList<string> hosts, ExternalBlobReference reference, CancellationToken cancellationToken)
    {
        if (downloader is null)
        {
            throw new AppStateException(AppStateFailure.ExternalBlob, "this node has no media downloader for app-state blobs");
        }

        try
        {
            var downloaded = await downloader.DownloadAsync(Descriptor(reference), hosts, MaxBlobBytes, cancellationToken).ConfigureAwait(false);
            await using (downloaded.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                await downloaded.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer.ToArray();
            }
        }
        catch (MediaDownloadException e)
        {
            // Not found, too large, tampered (media MAC or hash), no host: the message names the check, never the key.
            throw new AppStateException(AppStateFailure.ExternalBlob, $"an app-state blob could not be downloaded: {e.Message}", e);
        }
        catch (OperationCanceledException e)
        {
            throw new AppStateException(AppStateFailure.ExternalBlob, "an app-state blob took too long to download", e);
        }
    }
}
