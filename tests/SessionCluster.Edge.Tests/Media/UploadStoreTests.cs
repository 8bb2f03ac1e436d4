using SessionCluster.Edge.Media;

namespace SessionCluster.Edge.Tests.Media;

/// <summary>The local-disk upload store: files kept per tenant, bounded in size, gone once expired, never a path from input.</summary>
public sealed class UploadStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("uploads-").FullName;
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public async Task An_upload_opens_for_its_tenant_only_with_its_bytes_type_and_name_and_is_gone_once_deleted()
    {
        var store = new LocalDiskUploadStore(_folder, 1000, TimeSpan.FromHours(1), _clock);
        var bytes = Enumerable.Range(0, 700).Select(i => (byte)i).ToArray();

        var upload = await store.PutAsync("tenant-a", new MemoryStream(bytes), "application/pdf", "report.pdf", CancellationToken.None);

        Assert.Equal((700L, "application/pdf", "report.pdf"), (upload.Size, upload.MimeType, upload.FileName));
        var opened = await store.OpenAsync("tenant-a", upload.Id, CancellationToken.None) ?? throw new InvalidOperationException("not found");
        await using (opened.Content)
        {
            using var copy = new MemoryStream();
            await opened.Content.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        Assert.Null(await store.OpenAsync("tenant-b", upload.Id, CancellationToken.None));
        Assert.False(await store.DeleteAsync("tenant-b", upload.Id, CancellationToken.None));
        Assert.True(await store.DeleteAsync("tenant-a", upload.Id, CancellationToken.None));
        Assert.Null(await store.OpenAsync("tenant-a", upload.Id, CancellationToken.None));
    }

    [Fact]
    public async Task An_upload_over_the_limit_or_empty_is_refused_and_leaves_no_file()
    {
        var store = new LocalDiskUploadStore(_folder, 1000, TimeSpan.FromHours(1), _clock);

        Assert.Equal(UploadFailure.BadSize, (await Assert.ThrowsAsync<UploadException>(() => store.PutAsync("t", new MemoryStream(new byte[1001]), null, null, CancellationToken.None))).Failure);
        Assert.Equal(UploadFailure.BadSize, (await Assert.ThrowsAsync<UploadException>(() => store.PutAsync("t", new MemoryStream(), null, null, CancellationToken.None))).Failure);
        Assert.Empty(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_expired_upload_does_not_open_and_a_sweep_deletes_it_while_ids_not_ours_never_reach_the_disk()
    {
        var store = new LocalDiskUploadStore(_folder, 1000, TimeSpan.FromHours(1), _clock);
        var kept = await store.PutAsync("t", new MemoryStream([1, 2, 3]), null, null, CancellationToken.None);

        _clock.Advance(TimeSpan.FromHours(2));

        Assert.Null(await store.OpenAsync("t", kept.Id, CancellationToken.None));
        var swept = await store.PutAsync("t", new MemoryStream([4]), null, null, CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, store.Sweep());
        Assert.Null(await store.OpenAsync("t", swept.Id, CancellationToken.None));
        Assert.Null(await store.OpenAsync("t", "../../etc/passwd", CancellationToken.None));
        Assert.Null(await store.OpenAsync("t", "up_" + new string('g', 32), CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
