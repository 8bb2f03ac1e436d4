using System.Security.Cryptography;
using System.Text.Json;

namespace SessionCluster.Edge.Media;

/// <summary>A file a caller uploaded to send later (<c>POST /v1/uploads</c>): its id, size, type, name and expiry.</summary>
public sealed record StoredUpload(string Id, long Size, string? MimeType, string? FileName, DateTimeOffset ExpiresAt);

/// <summary>Why an upload was not kept.</summary>
internal enum UploadFailure
{
    /// <summary>The body is empty or larger than the store takes.</summary>
    BadSize,
}

internal sealed class UploadException(UploadFailure failure, string message) : Exception(message)
{
    public UploadFailure Failure { get; } = failure;
}

/// <summary>
/// Where uploaded files wait to be sent: a narrow interface (put, open, delete), each file under its tenant, kept for a
/// limited time. <see cref="LocalDiskUploadStore"/> is the default; an object store can stand in for it.
/// </summary>
public interface IUploadStore
{
    /// <summary>Streams <paramref name="content"/> into the store (refused past the store's size limit); the stored upload.</summary>
    Task<StoredUpload> PutAsync(string tenant, Stream content, string? mimeType, string? fileName, CancellationToken cancellationToken);

    /// <summary>The upload and a stream of its bytes, or null when the tenant has no such upload (or it expired).</summary>
    Task<(StoredUpload Upload, Stream Content)?> OpenAsync(string tenant, string id, CancellationToken cancellationToken);

    /// <summary>Removes the tenant's upload; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken);
}

/// <summary>
/// Uploads on the node's disk: <c>&lt;folder&gt;/&lt;tenant&gt;/&lt;id&gt;</c> with a <c>.json</c> beside it (type, name,
/// size, expiry). A file is written to a temporary name and renamed once complete, so a half-written upload is never
/// opened; expired ones are deleted when next looked at and by <see cref="Sweep"/>.
/// </summary>
public sealed class LocalDiskUploadStore(string folder, long maxBytes, TimeSpan keepFor, TimeProvider clock) : IUploadStore
{
    private const string IdPrefix = "up_";

    /// <summary>How often a put also sweeps expired uploads away.</summary>
    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(1);

    private long _nextSweepTicks;

    public async Task<StoredUpload> PutAsync(string tenant, Stream content, string? mimeType, string? fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var now = clock.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now >= due && Interlocked.CompareExchange(ref _nextSweepTicks, now + SweepEvery.Ticks, due) == due)
        {
            Sweep();
        }

        var directory = Directory.CreateDirectory(Path.Combine(folder, TenantFolder(tenant))).FullName;
        var id = IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = Path.Combine(directory, id);
        var partial = path + ".part";
        long size = 0;
        try
        {
            var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new UploadException(UploadFailure.BadSize, $"the upload is larger than {maxBytes} bytes");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            if (size == 0)
            {
                throw new UploadException(UploadFailure.BadSize, "the upload is empty");
            }

            var upload = new StoredUpload(id, size, mimeType, fileName, clock.GetUtcNow() + keepFor);
            await File.WriteAllBytesAsync(path + ".json", JsonSerializer.SerializeToUtf8Bytes(upload), cancellationToken).ConfigureAwait(false);
            File.Move(partial, path);
            return upload;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async Task<(StoredUpload Upload, Stream Content)?> OpenAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        if (!IsId(id) || await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } upload)
        {
            return null;
        }

        return (upload, new FileStream(Path.Combine(folder, TenantFolder(tenant), id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous));
    }

    public Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        if (!IsId(id))
        {
            return Task.FromResult(false);
        }

        var path = Path.Combine(folder, TenantFolder(tenant), id);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        File.Delete(path + ".json");
        return Task.FromResult(true);
    }

    /// <summary>Deletes every expired upload; how many.</summary>
    public int Sweep()
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var meta in Directory.EnumerateFiles(folder, IdPrefix + "*.json", SearchOption.AllDirectories))
        {
            var upload = JsonSerializer.Deserialize<StoredUpload>(File.ReadAllBytes(meta));
            if (upload is null || upload.ExpiresAt <= clock.GetUtcNow())
            {
                File.Delete(meta[..^".json".Length]);
                File.Delete(meta);
                removed++;
            }
        }

        return removed;
    }

    private async Task<StoredUpload?> ReadAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, TenantFolder(tenant), id);
        if (!File.Exists(path) || !File.Exists(path + ".json"))
        {
            return null;
        }

        var upload = JsonSerializer.Deserialize<StoredUpload>(await File.ReadAllBytesAsync(path + ".json", cancellationToken).ConfigureAwait(false));
        if (upload is null || upload.ExpiresAt <= clock.GetUtcNow())
        {
            File.Delete(path);
            File.Delete(path + ".json");
            return null;
        }

        return upload;
    }

    /// <summary>Ids are ours (<c>up_</c> and 32 hex digits): anything else never becomes a path.</summary>
    private static bool IsId(string id) => id.Length == IdPrefix.Length + 32 && id.StartsWith(IdPrefix, StringComparison.Ordinal) && id.AsSpan(IdPrefix.Length).ContainsAnyExcept("0123456789abcdef") is false;

    /// <summary>A tenant's folder: the hex of its id's SHA-256, so no tenant id is ever a path.</summary>
    private static string TenantFolder(string tenant) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant)))[..32];
}
