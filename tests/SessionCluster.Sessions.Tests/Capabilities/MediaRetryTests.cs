using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// Media retry as a linked session does it (docs/PROTOCOL.md §12 "Media retry"): a file another account's phone sent,
/// dropped by the simulator's media host, is asked for again and downloads to identical bytes from the new path; a
/// sender that holds no such message, one that does not answer, and an answer with a wrong tag end in typed failures
/// and leave the session running.
/// </summary>
public sealed class MediaRetryTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private static readonly Jid AliceUser = new(Phone, JidServer.WhatsApp);

    [Fact]
    public async Task A_file_the_host_dropped_is_uploaded_again_by_the_senders_phone_and_downloads_to_identical_bytes()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var file = RandomNumberGenerator.GetBytes(150_001);
        var (received, media) = await ReceiveFromBobAsync(host, system, file, MediaKind.Image, "image/jpeg");
        Assert.True(host.Server.Media.Store.Drop(media.DirectPath));
        using var http = TrustingClient(host);
        var downloads = Downloads(http, session);

        await using (var downloaded = await downloads.DownloadAsync(Alice, media, MediaRetryTargets.Of(received), CancellationToken.None))
        {
            Assert.Equal(file, await ReadAllAsync(downloaded.Content));
        }

        // The new path is remembered: a second download goes there without asking the sender again.
        await using (var again = await downloads.DownloadAsync(Alice, media, MediaRetryTargets.Of(received), CancellationToken.None))
        {
            Assert.Equal(file, await ReadAllAsync(again.Content));
        }

        Assert.Equal(1, Nodes.Logs.Count(1390));
    }

    [Fact]
    public async Task A_sender_that_holds_no_such_message_is_a_typed_retry_refusal()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var (received, media) = await ReceiveFromBobAsync(host, system, RandomNumberGenerator.GetBytes(2_000), MediaKind.Document, "application/pdf");
        Assert.True(host.Server.Media.Store.Drop(media.DirectPath));
        using var http = TrustingClient(host);

        var failure = await Assert.ThrowsAsync<MediaDownloadException>(() =>
            Downloads(http, session).DownloadAsync(Alice, media, MediaRetryTargets.Of(received) with { MessageId = "3EB0000000000000000001" }, CancellationToken.None));

        Assert.Equal(MediaDownloadFailure.RetryRefused, failure.Failure);
        Assert.Contains(nameof(MediaRetryRefusal.SenderNotFound), failure.Message, StringComparison.Ordinal);

        // A request the session cannot seal is refused before anything is sent, and the session keeps running.
        var bad = await session.Ask<Reply>(new RequestMediaRetry(Alice, MediaRetryTargets.Of(received), new byte[5], TimeSpan.FromSeconds(1)), SessionNodes.Timeout);
        Assert.Equal(MediaRetryRefusal.BadRequest, Assert.IsType<MediaRetryRefused>(bad).Reason);
        Assert.IsType<StatusReply>(await session.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout));
    }

    [Fact]
    public async Task An_answer_with_a_wrong_tag_is_a_typed_failure_and_the_session_keeps_running()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var (received, media) = await ReceiveFromBobAsync(host, system, RandomNumberGenerator.GetBytes(4_000), MediaKind.Image, "image/png");
        Assert.True(host.Server.Media.Store.Drop(media.DirectPath));
        host.Server.PrimaryDevices = new AnsweringPhones(host.Server.Phones, host.Server.Relay, sealWithWrongKey: true);
        using var http = TrustingClient(host);

        var failure = await Assert.ThrowsAsync<MediaDownloadException>(() =>
            Downloads(http, session).DownloadAsync(Alice, media, MediaRetryTargets.Of(received), CancellationToken.None));

        Assert.Equal(MediaDownloadFailure.RetryFailed, failure.Failure);
        Assert.Contains(nameof(MediaRetryFailure.Tampered), failure.Message, StringComparison.Ordinal);
        Assert.IsType<StatusReply>(await session.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout));
        var id = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceUser.ToString(), "still there?");
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody r && r.MessageId == id), "a text after the bad answer");
    }

    [Fact]
    public async Task A_sender_that_does_not_answer_within_the_wait_is_a_typed_retry_refusal()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var (received, media) = await ReceiveFromBobAsync(host, system, RandomNumberGenerator.GetBytes(4_000), MediaKind.Audio, "audio/ogg");
        Assert.True(host.Server.Media.Store.Drop(media.DirectPath));
        host.Server.PrimaryDevices = new AnsweringPhones(host.Server.Phones, host.Server.Relay, sealWithWrongKey: false);
        using var http = TrustingClient(host);
        var downloads = new MediaDownloads(new MediaDownloader(http), Ask(session), [], retryWait: TimeSpan.FromSeconds(1));

        var failure = await Assert.ThrowsAsync<MediaDownloadException>(() => downloads.DownloadAsync(Alice, media, MediaRetryTargets.Of(received), CancellationToken.None));

        Assert.Equal(MediaDownloadFailure.RetryRefused, failure.Failure);
        Assert.Contains(nameof(MediaRetryRefusal.TimedOut), failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Bob's phone sends <paramref name="file"/> to Alice; returns the session's event for it and its file.</summary>
    private static async Task<(MessageReceivedBody Received, MediaDescriptor Media)> ReceiveFromBobAsync(SimulatorHost host, ActorSystem system, byte[] file, MediaKind kind, string mimeType)
    {
        var bob = host.Server.Accounts.Find(BobPhone)!;
        var sent = await host.Server.Phones.Get(bob).SendMediaAsync(AliceUser, kind, file, mimeType, CancellationToken.None);
        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody r && r.MessageId == sent.Id), "Bob's file");
        var received = events.Select(e => e.Body).OfType<MessageReceivedBody>().Single(r => r.MessageId == sent.Id);
        return (received, ReceivedMedia.Find(received.Message)!);
    }

    private static async Task<byte[]> ReadAllAsync(Stream content)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static HttpClient TrustingClient(SimulatorHost host) =>
        new(MediaUploader.CreateHandler(new SessionServerSettings(new Uri(host.WebSocketUrl)) { PinnedCertificate = X509Certificate2.CreateFromPem(host.CertificatePem) }));

    private static MediaDownloads Downloads(HttpClient http, IActorRef session) => new(new MediaDownloader(http), Ask(session), []);

    private static Func<IWithSessionId, CancellationToken, Task<Reply>> Ask(IActorRef session) => (command, ct) => session.Ask<Reply>(command, SessionNodes.Timeout, ct);

    /// <summary>
    /// The simulator's phones, except that a media retry is not answered (<paramref name="sealWithWrongKey"/> false) or is
    /// answered with a path sealed under another key, whose tag then fails at the requester.
    /// </summary>
    private sealed class AnsweringPhones(IPrimaryDevices phones, IStanzaRelay relay, bool sealWithWrongKey) : IPrimaryDevices
    {
        public async ValueTask DeliverAsync(Account account, Node stanza, CancellationToken cancellationToken)
        {
            if (stanza.Tag != "receipt" || stanza.GetOptionalString("type") != MediaRetryStanzas.ReceiptType)
            {
                await phones.DeliverAsync(account, stanza, cancellationToken);
                return;
            }

            if (!sealWithWrongKey)
            {
                return;
            }

            var request = MediaRetryStanzas.ReadRequest(stanza);
            var requester = stanza.GetJid("from");
            var sealedAnswer = MediaRetryCipher.EncryptNotification(RandomNumberGenerator.GetBytes(32), request.Target.MessageId,
                new Protocol.Wa.MmsRetry.MediaRetryNotification { StanzaID = request.Target.MessageId, DirectPath = "/v/t62.7118-24/elsewhere.enc", Result = Protocol.Wa.MmsRetry.MediaRetryNotification.Types.ResultType.Success });
            await relay.SendNotificationAsync(AccountOf(requester), requester.Device, MediaRetryStanzas.Answer(JidServer.WhatsApp, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), request.Target, sealedAnswer), cancellationToken);
        }

        public Node TakeBundle(Account account, Jid deviceJid) => phones.TakeBundle(account, deviceJid);

        private Account AccountOf(Jid jid) => ((Simulator.Phone.PhoneDirectory)phones).FindAccount(jid)!;
    }
}
