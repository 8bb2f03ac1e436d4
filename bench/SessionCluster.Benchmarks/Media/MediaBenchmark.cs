using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using SessionCluster.Benchmarks.Sessions;

namespace SessionCluster.Benchmarks.Media;

/// <summary>
/// <c>--media [--sizes 1,16,100] [--rounds 5] [--warmup 1] [--admin URL --ws URL --root HEX] [--prefix 1556]
/// [--group-users 256] [--group-devices 3] [--group-rounds 15] [--group-members 256] [--group-later-sends 5] [--group-timeout 120] [--live-ratchet-cap N] [--skip-group] [--out results.md] [--json crypto.json]</c>
/// (docs/BENCHMARKS.md, "Media and group sends (issue 13)"): pure media crypto per size; with a simulator (its own
/// process, bench/run-media-benchmarks.sh starts it) media upload and download through a linked session with the
/// peak memory of each, then a whole group send through that session to a simulator group of --group-members phones; the CPU part of a group send to users × devices member devices. Medians of timed rounds after
/// warm-up; MB = 10^6 bytes. No figure is checked against a threshold: this reports, it does not assert.
/// </summary>
internal static class MediaBenchmark
{
    public const string Option = "--media";

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = (BenchArgs.String(args, "--sizes", "1,16,100")!).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rounds = BenchArgs.Int(args, "--rounds", 5);
        var warmup = BenchArgs.Int(args, "--warmup", 1);
        var output = BenchArgs.String(args, "--out", null);
        var json = BenchArgs.String(args, "--json", null);
        List<object> crypto = [];
        var adminUrl = BenchArgs.String(args, "--admin", null);
        var report = new StringBuilder();
        void Line(string text = "") => report.AppendLine(text);
        string Rate(RoundResult r, int mb) => r.MegabytesPerSecond(MediaFiles.Bytes(mb)).ToString("N0", CultureInfo.InvariantCulture);

        using var files = new MediaFiles(sizes);
        Log($"plaintext files written: {string.Join(", ", sizes.Select(s => s + " MB"))}; {rounds} rounds after {warmup} warm-up");
        Line($"Media: median of {rounds} rounds after {warmup} warm-up round(s); MB = 10^6 bytes; files of random bytes read from disk (page cache); {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC.");
        Line();
        Line("| Size | encrypt → Stream.Null MB/s | encrypt → temp file MB/s (as an upload) | decrypt + all checks → Stream.Null MB/s | allocated per encrypt / decrypt |");
        Line("|---:|---:|---:|---:|---:|");
        foreach (var mb in sizes)
        {
            var r = await MediaCryptoRounds.RunAsync(files, mb, warmup, rounds);
            crypto.Add(new { megabytes = mb, encryptToNull = r.EncryptToNull.MegabytesPerSecond(MediaFiles.Bytes(mb)), encryptToFile = r.EncryptToFile.MegabytesPerSecond(MediaFiles.Bytes(mb)), decrypt = r.Decrypt.MegabytesPerSecond(MediaFiles.Bytes(mb)) });
            Log($"crypto {mb} MB: encrypt→null {Rate(r.EncryptToNull, mb)} MB/s, encrypt→file {Rate(r.EncryptToFile, mb)} MB/s, decrypt {Rate(r.Decrypt, mb)} MB/s");
            Line($"| {mb} MB | {Rate(r.EncryptToNull, mb)} ({r.EncryptToNull.Ms}) | **{Rate(r.EncryptToFile, mb)}** ({r.EncryptToFile.Ms}) | {Rate(r.Decrypt, mb)} ({r.Decrypt.Ms}) | {Format.Kib(r.EncryptToFile.MedianAllocatedBytes)} / {Format.Kib(r.Decrypt.MedianAllocatedBytes)} |");
        }

        if (adminUrl is not null)
        {
            using var admin = new SimulatorAdmin(adminUrl);
            var chat = new Uri(BenchArgs.String(args, "--ws", null) ?? throw new ArgumentException("--ws <url> is required with --admin"));
            var endpoint = new SimulatorEndpoint(chat, adminUrl,
                Convert.FromHexString(BenchArgs.String(args, "--root", null) ?? throw new ArgumentException("--root <hex> is required with --admin")),
                await admin.CertificateAsync());
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            // --live-ratchet-cap N: the sessions' cap on live ratchet actors (default the node's, 256), to see whether it bounds a group send.
            var cap = BenchArgs.Int(args, "--live-ratchet-cap", 0);
            var e2e = new MediaEndToEnd(admin, endpoint, loggers, BenchArgs.String(args, "--prefix", "1556")!, cap > 0 ? new SessionCluster.Sessions.Flows.MessagingSettings { LiveRatchetCap = cap } : null);
            var groupMembers = args.Contains("--skip-group") ? 0 : BenchArgs.Int(args, "--group-members", 256);
            var both = await e2e.RunAsync(files, sizes, warmup, rounds, groupMembers, BenchArgs.Int(args, "--group-later-sends", 5),
                TimeSpan.FromSeconds(BenchArgs.Double(args, "--group-timeout", 120)), Log);
            var results = both.Media;
            Line();
            Line($"End to end through a linked session, simulator in its own process (media host over HTTPS on loopback); peaks sampled every 10 ms during one more transfer, above a baseline after a full GC.");
            Line();
            Line("| Size | encrypt + upload MB/s | download + decrypt MB/s | upload: RSS baseline → peak; GC heap above baseline; allocated | download: RSS baseline → peak; GC heap above baseline; allocated | samples |");
            Line("|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results)
            {
                Line($"| {r.Megabytes} MB | **{Rate(r.Upload, r.Megabytes)}** ({r.Upload.Ms}) | **{Rate(r.Download, r.Megabytes)}** ({r.Download.Ms}) | " +
                    $"{Peak(r.UploadPeak)} | {Peak(r.DownloadPeak)} | {r.UploadPeak.Samples} / {r.DownloadPeak.Samples} |");
            }

            if (both.Group is { Failure: { } failed } broken)
            {
                Line();
                Line($"Group send through the same session to a simulator group of {broken.Members} members: **did not complete**: {failed}.");
            }
            else if (both.Group is { } g)
            {
                Line();
                Line($"Group send through the same session to a simulator group of {g.Members} members (the simulator's phones: one device each, plus our own phone), Send told → MessageStatus Sent written (server ack); allocation in this process, {g.Polls} journal polls of about {Format.Kib(g.PollAllocated)} each included:");
                Line();
                Line("| Send | time | allocated |");
                Line("|---|---:|---:|");
                Line($"| first send (members, device lists, prekey bundles, SKDM pairwise to every device, ratchet records written) | **{Format.Ms(g.FirstMs)}** | {Mib(g.FirstAllocated)} |");
                Line($"| later send, skmsg only (median of {g.Later}) | **{Format.Ms(g.LaterMedianMs)}** | {Mib(g.LaterMedianAllocated)} |");
            }
        }

        if (!args.Contains("--skip-group"))
        {
            var users = BenchArgs.Int(args, "--group-users", 256);
            var perUser = BenchArgs.Int(args, "--group-devices", 3);
            Log($"group send: {users} × {perUser} devices …");
            var g = GroupSendRounds.Run(users, perUser, BenchArgs.Int(args, "--group-warmup", 3), BenchArgs.Int(args, "--group-rounds", 15));
            Line();
            Line($"Group send to {users} participants × {perUser} devices = {g.Devices} devices, CPU part only (no actors, journal or wire), median of {g.Later.Rounds} rounds:");
            Line();
            Line("| Send | time | allocated | frame |");
            Line("|---|---:|---:|---:|");
            Line($"| first send, SKDM to all {g.Devices} devices over established sessions (msg) | **{g.FirstEstablished.Ms}** | {Format.Kib(g.FirstEstablished.MedianAllocatedBytes)} | {Format.Kib(g.FirstFrameBytes)} |");
            Line($"| first send, sessions just built from bundles (pkmsg + device-identity) | {g.FirstFresh.Ms} | {Format.Kib(g.FirstFresh.MedianAllocatedBytes)} | |");
            Line($"| first send (msg) + serializing the {g.Devices} new session records, as the ratchet actors persist them | {g.FirstPersisted.Ms} | {Format.Kib(g.FirstPersisted.MedianAllocatedBytes)} | |");
            Line($"| later send, skmsg only | **{g.Later.Ms}** | {Format.Kib(g.Later.MedianAllocatedBytes)} | {Format.Kib(g.LaterFrameBytes)} |");
            Log($"group: first {g.FirstEstablished.Ms}, later {g.Later.Ms}");
        }

        Console.WriteLine();
        Console.WriteLine(report);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, report.ToString());
        }

        if (json is not null)
        {
            // For the script's ratio against Baileys' encryptedStream (bench/run-media-benchmarks.sh).
            await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(new { crypto }, BenchArgs.Json));
        }

        return 0;
    }

    /// <summary>MiB with one decimal: the peaks of a bounded transfer are a few MiB, which whole MiB would round away.</summary>
    /// <summary>
    /// RSS as absolute figures as well as the rise: earlier rounds have grown the process already, so a rise of zero
    /// alone would not show that the peak stays far below the file's size; the GC heap rise and the bytes allocated do.
    /// </summary>
    private static string Peak(PeakMemory p) =>
        $"{Mib(p.BaselineRss)} → {Mib(p.PeakRss)} (**+{Mib(p.RssAbove)}**); +{Mib(p.GcHeapAbove)}; {Mib(p.Allocated)}";

    private static string Mib(double bytes) => (bytes / (1024 * 1024)).ToString("N1", CultureInfo.InvariantCulture) + " MiB";

    private static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
