using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// A linked session's download of a received file (docs/PROTOCOL.md §12 "Download") from the simulator's HTTPS media
/// host, found through the session's media_conn: the plaintext identical to what was uploaded, a tampered blob refused
/// with a typed error and nothing left on disk, a blob the host no longer has told apart as not found.
/// </summary>
public sealed class MediaDownloadTests(ITestOutputHelper output) : CapabilityTestBase(output), IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("sc-media-dl-test-").FullName;

    [Fact]
    public async Task A_file_uploaded_as_a_document_downloads_and_decrypts_to_identical_bytes_with_its_name_and_type()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var file = RandomNumberGenerator.GetBytes(300_017);
        var message = await UploadAsync(http, session, file, MediaKind.Document, "application/pdf", "Q3 report.pdf");

        await using var downloaded = await Downloads(http, session).DownloadAsync(Alice, Wrapped(message), CancellationToken.None);

        Assert.Equal(file.Length, downloaded.Length);
        Assert.Equal((MediaKind.Document, "application/pdf", "Q3 report.pdf"), (downloaded.Descriptor.Kind, downloaded.Descriptor.MimeType, downloaded.Descriptor.FileName));
        using var copy = new MemoryStream();
        await downloaded.Content.CopyToAsync(copy);
        Assert.Equal(file, copy.ToArray());
        Assert.Single(Directory.GetFiles(_temp));
        await downloaded.DisposeAsync();
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task A_tampered_blob_is_refused_with_an_integrity_error_and_leaves_no_temporary_file()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var message = await UploadAsync(http, session, RandomNumberGenerator.GetBytes(200_000), MediaKind.Image, "image/jpeg");
        Assert.True(host.Server.Media.Store.Tamper(message.ImageMessage.DirectPath));

        var failure = await Assert.ThrowsAsync<MediaDownloadException>(() => Downloads(http, session).DownloadAsync(Alice, message, CancellationToken.None));

        Assert.Equal(MediaDownloadFailure.Integrity, failure.Failure);
        Assert.Equal(MediaFailure.FileEncSha256Mismatch, Assert.IsType<MediaIntegrityException>(failure.InnerException).Failure);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task A_tampered_blob_without_its_announced_hashes_still_fails_the_mac_check()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var message = await UploadAsync(http, session, RandomNumberGenerator.GetBytes(50_000), MediaKind.Audio, "audio/ogg; codecs=opus");
        message.AudioMessage.ClearFileEncSHA256();
        message.AudioMessage.ClearFileSHA256();
        Assert.True(host.Server.Media.Store.Tamper(message.AudioMessage.DirectPath));

        var failure = await Assert.ThrowsAsync<MediaDownloadException>(() => Downloads(http, session).DownloadAsync(Alice, message, CancellationToken.None));

        Assert.Equal(MediaFailure.MacMismatch, Assert.IsType<MediaIntegrityException>(failure.InnerException).Failure);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task A_blob_the_host_no_longer_has_is_not_found_and_a_message_without_a_file_is_no_media()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var message = await UploadAsync(http, session, RandomNumberGenerator.GetBytes(10_000), MediaKind.Video, "video/mp4");
        Assert.True(host.Server.Media.Store.Drop(message.VideoMessage.DirectPath));
        var downloads = Downloads(http, session);

        var gone = await Assert.ThrowsAsync<MediaDownloadException>(() => downloads.DownloadAsync(Alice, message, CancellationToken.None));
        var text = await Assert.ThrowsAsync<MediaDownloadException>(() => downloads.DownloadAsync(Alice, new Message { Conversation = "hi" }, CancellationToken.None));

        Assert.Equal(MediaDownloadFailure.NotFound, gone.Failure);
        Assert.Equal(MediaDownloadFailure.NoMedia, text.Failure);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task A_file_announced_larger_than_the_limit_is_refused_before_it_is_fetched()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var message = await UploadAsync(http, session, RandomNumberGenerator.GetBytes(5_000), MediaKind.Sticker, "image/webp");
        var small = new MediaDownloads(new MediaDownloader(http, _temp), Ask(session), [], maxBytes: 4_000);

        var failure = await Assert.ThrowsAsync<MediaDownloadException>(() => small.DownloadAsync(Alice, message, CancellationToken.None));

        Assert.Equal(MediaDownloadFailure.TooLarge, failure.Failure);
        // A host that sends more than the message announced is cut off at the announced length too.
        message.StickerMessage.FileLength = 100;
        var longer = await Assert.ThrowsAsync<MediaDownloadException>(() => Downloads(http, session).DownloadAsync(Alice, message, CancellationToken.None));
        Assert.Equal(MediaDownloadFailure.TooLarge, longer.Failure);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public void The_file_is_found_through_ephemeral_view_once_and_document_with_caption_wrappers()
    {
        var image = new Message { ImageMessage = new ImageMessage { DirectPath = "/v/a", Mimetype = "image/png", MediaKey = Google.Protobuf.ByteString.CopyFrom(new byte[32]) } };
        var document = new Message { DocumentMessage = new DocumentMessage { DirectPath = "/v/b", Title = "only a title" } };
        var voice = new Message { AudioMessage = new AudioMessage { DirectPath = "/v/c", PTT = true, Mimetype = "audio/ogg" } };

        var inEphemeralViewOnce = ReceivedMedia.Find(new Message { EphemeralMessage = new FutureProofMessage { Message = new Message { ViewOnceMessageV2 = new FutureProofMessage { Message = image } } } });
        var withCaption = ReceivedMedia.Find(new Message { DocumentWithCaptionMessage = new FutureProofMessage { Message = document } });
        var note = ReceivedMedia.Find(voice);

        Assert.Equal((MediaKind.Image, "/v/a", "image/png"), (inEphemeralViewOnce!.Kind, inEphemeralViewOnce.DirectPath, inEphemeralViewOnce.MimeType));
        Assert.Equal((MediaKind.Document, "only a title", "application/octet-stream"), (withCaption!.Kind, withCaption.FileName, withCaption.MimeType));
        Assert.True(note!.VoiceNote);
        Assert.Null(ReceivedMedia.Find(new Message { Conversation = "text" }));
        Assert.DoesNotContain("MediaKey", inEphemeralViewOnce.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>Uploads <paramref name="file"/> as Alice and returns the media message a peer would receive for it.</summary>
    private static async Task<Message> UploadAsync(HttpClient http, IActorRef session, byte[] file, MediaKind kind, string mimeType, string? fileName = null)
    {
        var uploads = new MediaUploads(new MediaUploader(http), Ask(session), TimeProvider.System);
        using var plain = new MemoryStream(file);
        var uploaded = await uploads.UploadAsync(Alice, kind, plain, CancellationToken.None);
        return MediaMessages.For(uploaded, mimeType, fileName: fileName);
    }

    private static Message Wrapped(Message m) => new() { EphemeralMessage = new FutureProofMessage { Message = new Message { DocumentWithCaptionMessage = new FutureProofMessage { Message = m } } } };

    /// <summary>An HTTPS client that trusts the simulator's certificate only, as the node's media client does.</summary>
    private static HttpClient TrustingClient(SimulatorHost host) =>
        new(MediaUploader.CreateHandler(new SessionServerSettings(new Uri(host.WebSocketUrl)) { PinnedCertificate = X509Certificate2.CreateFromPem(host.CertificatePem) }));

    private MediaDownloads Downloads(HttpClient http, IActorRef session) => new(new MediaDownloader(http, _temp), Ask(session), []);

    private static Func<IWithSessionId, CancellationToken, Task<Reply>> Ask(IActorRef session) => (command, ct) => session.Ask<Reply>(command, SessionNodes.Timeout, ct);
}
