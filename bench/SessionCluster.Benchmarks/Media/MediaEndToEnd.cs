using System.Collections.Concurrent;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using SessionCluster.Benchmarks.Sessions;
using SessionCluster.Protocol.Media;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Benchmarks.Media;

/// <summary>One size's end-to-end figures; the peaks are for one extra upload and download of that size, sampled.</summary>
internal sealed record MediaEndToEndResult(int Megabytes, RoundResult Upload, RoundResult Download, PeakMemory UploadPeak, PeakMemory DownloadPeak);

/// <summary>The media figures per size and, when asked, the group send through the same session.</summary>
internal sealed record EndToEndResults(IReadOnlyList<MediaEndToEndResult> Media, GroupSessionResult? Group);

/// <summary>
/// Media through a linked session against the simulator's HTTPS media host (docs/PROTOCOL.md §12), as the edge does it:
/// <see cref="MediaUploads.UploadAsync"/> (a fresh key, the file encrypted into a temporary file as it is read, the
/// session's media_conn rights, the POST) and <see cref="MediaDownloads.DownloadAsync(SessionId, MediaDescriptor, CancellationToken)"/>
/// (the GET, decrypted into a temporary file as it arrives, every check passed before it is returned). The simulator
/// runs in its own process: its media host keeps every blob in memory, which would otherwise count as ours.
/// </summary>
internal sealed class MediaEndToEnd(SimulatorAdmin admin, SimulatorEndpoint endpoint, ILoggerFactory loggers, string prefix, MessagingSettings? messaging = null)
{
    public async Task<EndToEndResults> RunAsync(MediaFiles files, IReadOnlyList<int> sizes, int warmup, int rounds, int groupMembers, int groupLaterSends, TimeSpan groupTimeout, Action<string> log)
    {
        await admin.CreateAccountAsync(SimulatorAdmin.Phone(prefix, 0));
        await using var node = BenchNode.Start(endpoint, loggers, messaging);
        var linker = new SessionLinker(node, admin, prefix);
        Check(await linker.CreateAsync(1, 1), "create");
        Check(await linker.LinkAsync(1, 1, new ConcurrentBag<double>()), "link");
        log("session linked");
        var id = SessionLinker.Id(0);
        var session = linker[0];
        Task<Reply> Ask(IWithSessionId command, CancellationToken ct) => session.Ask<Reply>(command, BenchNode.AskTimeout, ct);

        using var http = new HttpClient(MediaUploader.CreateHandler(new SessionServerSettings(endpoint.WebSocket) { PinnedCertificate = endpoint.Certificate }))
        {
            Timeout = TimeSpan.FromMinutes(5),
        };
        var uploads = new MediaUploads(new MediaUploader(http), Ask, TimeProvider.System);
        var downloads = new MediaDownloads(new MediaDownloader(http), Ask, []);

        List<MediaEndToEndResult> results = [];
        foreach (var mb in sizes)
        {
            UploadedMedia? last = null;
            var upload = await Rounds.MeasureAsync(warmup, rounds, async () =>
            {
                await using var plain = files.Open(mb);
                last = await uploads.UploadAsync(id, MediaKind.Document, plain, CancellationToken.None);
            });
            var descriptor = Describe(last!);
            var download = await Rounds.MeasureAsync(warmup, rounds, async () =>
            {
                await using var file = await downloads.DownloadAsync(id, descriptor, CancellationToken.None);
                if (file.Length != MediaFiles.Bytes(mb))
                {
                    throw new InvalidOperationException($"Downloaded {file.Length} bytes of {MediaFiles.Bytes(mb)}.");
                }
            });
            var uploadPeak = await PeakMemory.DuringAsync(async () =>
            {
                await using var plain = files.Open(mb);
                await uploads.UploadAsync(id, MediaKind.Document, plain, CancellationToken.None);
            });
            var downloadPeak = await PeakMemory.DuringAsync(async () =>
            {
                await using var file = await downloads.DownloadAsync(id, descriptor, CancellationToken.None);
            });
            log($"{mb} MB: upload {upload.MegabytesPerSecond(MediaFiles.Bytes(mb)):N0} MB/s, download {download.MegabytesPerSecond(MediaFiles.Bytes(mb)):N0} MB/s, " +
                $"upload peak RSS +{Format.Mib(uploadPeak.RssAbove)}, GC heap +{Format.Mib(uploadPeak.GcHeapAbove)}");
            results.Add(new MediaEndToEndResult(mb, upload, download, uploadPeak, downloadPeak));
        }

        var group = groupMembers > 0
            ? await GroupSendEndToEnd.RunAsync(node, session, id, admin, SimulatorAdmin.Phone(prefix, 0), prefix + "9", groupMembers, groupLaterSends, groupTimeout, log)
            : null;
        return new EndToEndResults(results, group);
    }

    /// <summary>What a recipient's media message would say about the uploaded file.</summary>
    private static MediaDescriptor Describe(UploadedMedia uploaded) =>
        new(uploaded.Kind, uploaded.DirectPath, uploaded.Url, uploaded.MediaKey, uploaded.Encrypted.FileEncSha256, uploaded.Encrypted.FileSha256,
            uploaded.Encrypted.PlainLength, "application/octet-stream", "bench.bin", VoiceNote: false);

    private static void Check((int Failures, string? FirstError) outcome, string what)
    {
        if (outcome.Failures > 0)
        {
            throw new InvalidOperationException($"The session's {what} failed: {outcome.FirstError}");
        }
    }
}
