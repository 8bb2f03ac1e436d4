using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Protocol.Wa.MmsRetry;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Media;
using SessionCluster.Simulator.Phone;

namespace SessionCluster.Simulator.Tests.Phone;

/// <summary>
/// The simulated phone answering media retries (docs/PROTOCOL.md §12 "Media retry"): for a file it sent, and for one its
/// own companion sent, it uploads the same blob again under a new path sealed to the requester; an unknown message is
/// answered with an error code, a request sealed under another key with DECRYPTION_ERROR, a broken receipt not at all.
/// </summary>
public sealed class PhoneMediaRetryTests
{
    private readonly AccountDirectory _accounts = new(null, TimeProvider.System);
    private readonly LoopbackRelay _relay = new();
    private readonly MediaStore _store = new(TimeProvider.System);
    private readonly PhoneDirectory _phones;

    public PhoneMediaRetryTests()
    {
        _phones = new PhoneDirectory(_accounts, () => _relay, TimeProvider.System, NullLoggerFactory.Instance, () => _store);
        _relay.Phones = _phones;
        _relay.Accounts = _accounts;
    }

    [Fact]
    public async Task A_file_the_phone_sent_is_uploaded_again_as_the_same_blob_under_a_new_path_sealed_to_the_requester()
    {
        var (a, b, companion) = await PairAsync();
        var file = RandomNumberGenerator.GetBytes(5_000);
        var sent = await _phones.Get(a).SendMediaAsync(b.Jid, MediaKind.Image, file, "image/png", CancellationToken.None);
        var image = companion.Decrypt("phone-a", Assert.Single(_relay.StanzasFor(b.DeviceJid(1))).GetChild("enc")).ImageMessage;
        var original = _store.Find(image.DirectPath)!.Content;
        Assert.True(_store.Drop(image.DirectPath));
        var target = new MediaRetryTarget(sent.Id, a.Jid.ToString(), false, null);

        await _phones.DeliverAsync(a, Forwarded(b, 1, target, MediaRetryCipher.EncryptRequest(image.MediaKey.Span, sent.Id)), CancellationToken.None);

        var (to, device, notification) = Assert.Single(_relay.Notifications);
        Assert.Equal((b, 1), (to, device));
        var answer = MediaRetryStanzas.ReadAnswer(notification);
        Assert.Equal(target, answer.Target);
        var opened = MediaRetryCipher.DecryptNotification(image.MediaKey.Span, sent.Id, answer.Sealed!);
        Assert.Equal(MediaRetryNotification.Types.ResultType.Success, opened.Result);
        Assert.NotEqual(image.DirectPath, opened.DirectPath);
        Assert.Equal(original, _store.Find(opened.DirectPath)!.Content);
        Assert.Equal(file, MediaCipher.Decrypt(_store.Find(opened.DirectPath)!.Content, image.MediaKey.Span, MediaKind.Image, null));
    }

    [Fact]
    public async Task A_file_the_accounts_own_companion_sent_is_uploaded_again_by_the_phone()
    {
        var a = await _accounts.CreateAsync("15550001111", CancellationToken.None);
        var b = await _accounts.CreateAsync("15550002222", CancellationToken.None);
        var laptop = new SignalCompanion(2);
        a.AddDevice(laptop.Device());
        laptop.StartSession("phone", PreKeyBundleNode.Parse(_phones.TakeBundle(a, a.DeviceJid(0))));
        var mediaKey = RandomNumberGenerator.GetBytes(32);
        var (blob, encrypted) = MediaCipher.Encrypt(RandomNumberGenerator.GetBytes(3_000), mediaKey, MediaKind.Document);
        var path = _store.Add("document", blob).DirectPath;
        var document = new DocumentMessage { DirectPath = path, MediaKey = ByteString.CopyFrom(mediaKey), FileEncSHA256 = ByteString.CopyFrom(encrypted.FileEncSha256), Mimetype = "application/pdf" };
        var enc = laptop.Encrypt("phone", new Message { DeviceSentMessage = new DeviceSentMessage { DestinationJID = b.Jid.ToString(), Message = new Message { DocumentMessage = document } } });
        await _phones.DeliverAsync(a, new Node("message", [("from", a.DeviceJid(2).ToString()), ("id", "3EB0D0C0"), ("recipient", b.Jid.ToString()), ("t", "1700000000"), ("type", "media")], [enc]), CancellationToken.None);
        Assert.True(_store.Drop(path));

        var target = new MediaRetryTarget("3EB0D0C0", a.Jid.ToString(), false, null);
        await _phones.DeliverAsync(a, Forwarded(b, 0, target, MediaRetryCipher.EncryptRequest(mediaKey, "3EB0D0C0")), CancellationToken.None);

        var opened = MediaRetryCipher.DecryptNotification(mediaKey, "3EB0D0C0", MediaRetryStanzas.ReadAnswer(Assert.Single(_relay.Notifications).Notification).Sealed!);
        Assert.Equal(MediaRetryNotification.Types.ResultType.Success, opened.Result);
        Assert.Equal(blob, _store.Find(opened.DirectPath)!.Content);
    }

    [Fact]
    public async Task A_message_the_phone_does_not_hold_is_answered_with_the_not_found_error_code()
    {
        var (a, b, _) = await PairAsync();
        var target = new MediaRetryTarget("3EB0UNKNOWN", a.Jid.ToString(), false, null);

        await _phones.DeliverAsync(a, Forwarded(b, 1, target, MediaRetryCipher.EncryptRequest(new byte[32], "3EB0UNKNOWN")), CancellationToken.None);

        var answer = MediaRetryStanzas.ReadAnswer(Assert.Single(_relay.Notifications).Notification);
        Assert.Equal((int)MediaRetryNotification.Types.ResultType.NotFound, answer.ErrorCode);
        Assert.Null(answer.Sealed);
    }

    [Fact]
    public async Task A_request_sealed_under_another_key_is_answered_decryption_error_and_nothing_is_uploaded()
    {
        var (a, b, _) = await PairAsync();
        var sent = await _phones.Get(a).SendMediaAsync(b.Jid, MediaKind.Audio, RandomNumberGenerator.GetBytes(1_000), "audio/ogg", CancellationToken.None);
        var stored = _store.Count;
        var target = new MediaRetryTarget(sent.Id, a.Jid.ToString(), false, null);

        await _phones.DeliverAsync(a, Forwarded(b, 1, target, MediaRetryCipher.EncryptRequest(RandomNumberGenerator.GetBytes(32), sent.Id)), CancellationToken.None);

        var answer = MediaRetryStanzas.ReadAnswer(Assert.Single(_relay.Notifications).Notification);
        Assert.NotNull(answer.Sealed);
        Assert.Equal(stored, _store.Count);
    }

    [Fact]
    public async Task A_server_error_receipt_without_its_encrypt_part_is_logged_and_left_unanswered()
    {
        var (a, b, _) = await PairAsync();
        var broken = new Node("receipt", [("from", b.DeviceJid(1).ToString()), ("id", "3EB0BROKEN"), ("type", "server-error")], [new Node("rmr", [("jid", a.Jid.ToString()), ("from_me", "false")])]);

        await _phones.DeliverAsync(a, broken, CancellationToken.None);

        Assert.Empty(_relay.Notifications);
    }

    private async Task<(Account A, Account B, SignalCompanion Companion)> PairAsync()
    {
        var a = await _accounts.CreateAsync("15550001111", CancellationToken.None);
        var b = await _accounts.CreateAsync("15550002222", CancellationToken.None);
        var companion = new SignalCompanion(1);
        b.AddDevice(companion.Device());
        return (a, b, companion);
    }

    /// <summary>The receipt as the relay forwards it to the sender's phone: from the requesting device.</summary>
    private static Node Forwarded(Account requester, int device, MediaRetryTarget target, MediaRetrySealed sealedRequest)
    {
        var request = MediaRetryStanzas.Request(requester.Jid.ToString(), target, sealedRequest);
        return new Node("receipt", [("from", requester.DeviceJid(device).ToString()), ("id", target.MessageId), ("type", "server-error")], request.Children);
    }
}
