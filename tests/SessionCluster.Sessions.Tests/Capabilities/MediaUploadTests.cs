using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using SessionCluster.Protocol.Media;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// A linked session's media upload (docs/PROTOCOL.md §12) against the simulator's HTTPS media host: media_conn rights
/// cached to their ttl, the file encrypted as it is read and uploaded, the blob on the host exactly what the message
/// describes, and fresh rights asked once when the host refuses the cached ones.
/// </summary>
public sealed class MediaUploadTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task An_uploaded_file_is_stored_encrypted_on_the_media_host_and_decrypts_to_the_file_with_the_hashes_it_names()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var uploads = Uploads(http, session);
        var file = RandomNumberGenerator.GetBytes(300_001);

        using var plain = new MemoryStream(file);
        var uploaded = await uploads.UploadAsync(Alice, MediaKind.Document, plain, CancellationToken.None);

        var blob = host.Server.Media.Store.Find(uploaded.DirectPath) ?? throw new InvalidOperationException("The blob is not on the media host.");
        Assert.Equal("document", blob.MmsType);
        Assert.Equal(uploaded.Encrypted.EncryptedLength, blob.Content.Length);
        Assert.Equal(SHA256.HashData(file), uploaded.Encrypted.FileSha256);
        Assert.Equal(SHA256.HashData(blob.Content), uploaded.Encrypted.FileEncSha256);
        var decrypted = MediaCipher.Decrypt(blob.Content, uploaded.MediaKey.Span, MediaKind.Document, new MediaHashes(uploaded.Encrypted.FileEncSha256, uploaded.Encrypted.FileSha256));
        Assert.Equal(file, decrypted);
        // The URL the host answered serves the same bytes.
        Assert.Equal(blob.Content, await http.GetByteArrayAsync(uploaded.Url));
    }

    [Fact]
    public async Task Media_rights_are_kept_until_their_ttl_and_asked_again_on_refresh()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var first = Assert.IsType<MediaConnectionReady>(await Ask(session, new RequestMediaConnection(Alice))).Connection;
        var again = Assert.IsType<MediaConnectionReady>(await Ask(session, new RequestMediaConnection(Alice))).Connection;
        var refreshed = Assert.IsType<MediaConnectionReady>(await Ask(session, new RequestMediaConnection(Alice, Refresh: true))).Connection;

        Assert.Same(first, again);
        Assert.NotEqual(first.Auth, refreshed.Auth);
        Assert.Equal([new Uri(host.MediaUrl).Authority], refreshed.Hosts);
        Assert.DoesNotContain(refreshed.Auth, refreshed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_host_refuses_the_cached_rights_fresh_ones_are_asked_once_and_the_upload_goes_through()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);
        var uploads = Uploads(http, session);
        Assert.IsType<MediaConnectionReady>(await Ask(session, new RequestMediaConnection(Alice)));
        host.Server.Media.Store.RevokeAuth();

        using var plain = new MemoryStream(RandomNumberGenerator.GetBytes(1000));
        var uploaded = await uploads.UploadAsync(Alice, MediaKind.Image, plain, CancellationToken.None);

        Assert.NotNull(host.Server.Media.Store.Find(uploaded.DirectPath));
    }

    [Fact]
    public async Task An_unlinked_session_gets_no_media_rights_and_an_upload_says_why()
    {
        await using var host = await Simulators.StartAsync();
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(Nodes, host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        using var http = TrustingClient(host);

        var refused = Assert.IsType<MediaRefused>(await Ask(session, new RequestMediaConnection(Alice)));
        Assert.Equal(MediaRefusal.NotLinked, refused.Reason);
        using var plain = new MemoryStream([1, 2, 3]);
        var failure = await Assert.ThrowsAsync<MediaUploadException>(() => Uploads(http, session).UploadAsync(Alice, MediaKind.Image, plain, CancellationToken.None));
        Assert.Equal(MediaUploadFailure.NotLinked, failure.Failure);
        Assert.Equal(0, host.Server.Media.Store.Count);
    }

    [Fact]
    public async Task An_empty_file_is_refused_before_anything_is_asked_or_uploaded()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        using var http = TrustingClient(host);

        using var empty = new MemoryStream();
        var failure = await Assert.ThrowsAsync<MediaUploadException>(() => Uploads(http, session).UploadAsync(Alice, MediaKind.Image, empty, CancellationToken.None));

        Assert.Equal(MediaUploadFailure.BadFile, failure.Failure);
        Assert.Equal(0, host.Server.Media.Store.Count);
    }

    /// <summary>An HTTPS client that trusts the simulator's certificate only, as the node's upload client does.</summary>
    private static HttpClient TrustingClient(SimulatorHost host) =>
        new(MediaUploader.CreateHandler(new SessionServerSettings(new Uri(host.WebSocketUrl)) { PinnedCertificate = X509Certificate2.CreateFromPem(host.CertificatePem) }));

    private static MediaUploads Uploads(HttpClient http, IActorRef session) =>
        new(new MediaUploader(http), (command, ct) => session.Ask<Reply>(command, SessionNodes.Timeout, ct), TimeProvider.System);
}
