using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.MmsRetry;

namespace SessionCluster.Protocol.Tests.Media;

public sealed class MediaRetryTests
{
    private const string MessageId = "3EB0C0FFEE0123456789";

    private static readonly byte[] MediaKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static readonly MediaRetryTarget Target = new(MessageId, "15550001111@s.whatsapp.net", false, null);

    [Fact]
    public void A_request_sealed_by_the_receiver_opens_for_the_sender_of_the_same_file()
    {
        var sealedRequest = MediaRetryCipher.EncryptRequest(MediaKey, MessageId);

        Assert.Equal(MediaRetryCipher.IvSize, sealedRequest.Iv.Length);
        MediaRetryCipher.DecryptRequest(MediaKey, MessageId, sealedRequest);
    }

    [Fact]
    public void An_answer_round_trips_with_its_direct_path_and_result()
    {
        var answer = new MediaRetryNotification { StanzaID = MessageId, DirectPath = "/v/t62/new?ccb=1", Result = MediaRetryNotification.Types.ResultType.Success };

        var opened = MediaRetryCipher.DecryptNotification(MediaKey, MessageId, MediaRetryCipher.EncryptNotification(MediaKey, MessageId, answer));

        Assert.Equal(answer, opened);
    }

    [Fact]
    public void A_sealed_answer_matches_AES_GCM_under_the_HKDF_retry_key_with_the_message_id_as_additional_data()
    {
        // The layout of docs/PROTOCOL.md §12, computed here independently of the cipher's own code.
        var iv = Enumerable.Range(100, 12).Select(i => (byte)i).ToArray();
        var plain = new MediaRetryNotification { StanzaID = MessageId, Result = MediaRetryNotification.Types.ResultType.NotFound }.ToByteArray();
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, MediaKey, 32, [], "WhatsApp Media Retry Notification"u8.ToArray());
        var expected = new byte[plain.Length + 16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(iv, plain, expected.AsSpan(0, plain.Length), expected.AsSpan(plain.Length), System.Text.Encoding.UTF8.GetBytes(MessageId));
        }

        var sealedAnswer = MediaRetryCipher.Seal(MediaKey, MessageId, plain, iv);

        Assert.Equal(expected, sealedAnswer.Ciphertext.ToArray());
    }

    [Fact]
    public void A_tampered_tag_is_refused_with_a_typed_error()
    {
        var sealedAnswer = MediaRetryCipher.EncryptNotification(MediaKey, MessageId, new MediaRetryNotification { StanzaID = MessageId, DirectPath = "/v/x" });
        var bytes = sealedAnswer.Ciphertext.ToArray();
        bytes[^1] ^= 0x01;

        var e = Assert.Throws<MediaRetryException>(() => MediaRetryCipher.DecryptNotification(MediaKey, MessageId, sealedAnswer with { Ciphertext = bytes }));

        Assert.Equal(MediaRetryFailure.Tampered, e.Failure);
    }

    [Fact]
    public void An_answer_sealed_for_another_message_or_under_another_key_does_not_open()
    {
        var sealedAnswer = MediaRetryCipher.EncryptNotification(MediaKey, MessageId, new MediaRetryNotification { StanzaID = MessageId });
        var otherKey = MediaKey.Select(b => (byte)(b ^ 0xFF)).ToArray();

        Assert.Equal(MediaRetryFailure.Tampered, Assert.Throws<MediaRetryException>(() => MediaRetryCipher.DecryptNotification(MediaKey, "3EB0OTHER", sealedAnswer)).Failure);
        Assert.Equal(MediaRetryFailure.Tampered, Assert.Throws<MediaRetryException>(() => MediaRetryCipher.DecryptNotification(otherKey, MessageId, sealedAnswer)).Failure);
    }

    [Fact]
    public void A_request_that_seals_another_stanza_id_is_refused()
    {
        var sealedRequest = MediaRetryCipher.Seal(MediaKey, MessageId, new ServerErrorReceipt { StanzaID = "3EB0OTHER" }.ToByteArray(), new byte[12]);

        var e = Assert.Throws<MediaRetryException>(() => MediaRetryCipher.DecryptRequest(MediaKey, MessageId, sealedRequest));

        Assert.Equal(MediaRetryFailure.WrongMessage, e.Failure);
    }

    [Fact]
    public void A_short_iv_or_a_ciphertext_shorter_than_its_tag_is_malformed()
    {
        Assert.Equal(MediaRetryFailure.Malformed, Assert.Throws<MediaRetryException>(() => MediaRetryCipher.DecryptRequest(MediaKey, MessageId, new MediaRetrySealed(new byte[20], new byte[8]))).Failure);
        Assert.Equal(MediaRetryFailure.Malformed, Assert.Throws<MediaRetryException>(() => MediaRetryCipher.DecryptRequest(MediaKey, MessageId, new MediaRetrySealed(new byte[15], new byte[12]))).Failure);
    }

    [Fact]
    public void The_request_receipt_survives_the_binary_codec_and_reads_back_as_sent()
    {
        var groupTarget = new MediaRetryTarget(MessageId, "120363000000000001@g.us", false, "15550002222@s.whatsapp.net");
        var sealedRequest = MediaRetryCipher.EncryptRequest(MediaKey, MessageId);
        var receipt = MediaRetryStanzas.Request("15550003333@s.whatsapp.net", groupTarget, sealedRequest);

        var read = MediaRetryStanzas.ReadRequest(NodeDecoder.DecodeFrame(NodeEncoder.EncodeFrame(receipt)));

        Assert.Equal(groupTarget, read.Target);
        Assert.Equal(sealedRequest.Ciphertext.ToArray(), read.Sealed.Ciphertext.ToArray());
        MediaRetryCipher.DecryptRequest(MediaKey, MessageId, read.Sealed);
    }

    [Fact]
    public void An_error_answer_reads_back_with_its_code_and_no_sealed_part()
    {
        var node = MediaRetryStanzas.ErrorAnswer("15550003333@s.whatsapp.net", 1_700_000_000, Target, (int)MediaRetryNotification.Types.ResultType.NotFound);

        var read = MediaRetryStanzas.ReadAnswer(NodeDecoder.DecodeFrame(NodeEncoder.EncodeFrame(node)));

        Assert.Equal(Target, read.Target);
        Assert.Null(read.Sealed);
        Assert.Equal(2, read.ErrorCode);
    }

    [Fact]
    public void A_notification_without_rmr_or_without_a_sealed_part_is_malformed()
    {
        var noRmr = new Node("notification", [("id", MessageId), ("type", "mediaretry")], [new Node("error", [("code", "2")])]);
        var noBody = new Node("notification", [("id", MessageId), ("type", "mediaretry")], [new Node("rmr", [("jid", Target.ChatJid), ("from_me", "false")])]);
        var badFromMe = new Node("notification", [("id", MessageId), ("type", "mediaretry")], [new Node("rmr", [("jid", Target.ChatJid), ("from_me", "yes")])]);

        Assert.Equal(MediaRetryFailure.Malformed, Assert.Throws<MediaRetryException>(() => MediaRetryStanzas.ReadAnswer(noRmr)).Failure);
        Assert.Equal(MediaRetryFailure.Malformed, Assert.Throws<MediaRetryException>(() => MediaRetryStanzas.ReadAnswer(noBody)).Failure);
        Assert.Equal(MediaRetryFailure.Malformed, Assert.Throws<MediaRetryException>(() => MediaRetryStanzas.ReadAnswer(badFromMe)).Failure);
    }
}
