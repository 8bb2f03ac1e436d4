using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>
/// The relay's part of a media retry (docs/PROTOCOL.md §12 "Media retry"): a server-error receipt goes to every device of
/// the message's sender (not back to the requester's own account), a sender that is no account is answered NOT_FOUND by
/// the server, and a receipt without its sealed part is acked and dropped with the stream still served.
/// </summary>
public sealed class MediaRetryRelayTests
{
    private static readonly MediaRetrySealed Sealed = MediaRetryCipher.EncryptRequest(new byte[32], "3EB0MR01");

    [Fact]
    public async Task A_server_error_receipt_reaches_the_senders_phone_and_companion_from_the_requesting_device()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            var target = new MediaRetryTarget("3EB0MR01", harness.LidUserOf(harness.A), false, null);
            await b.SendAsync(MediaRetryStanzas.Request("15550002222@s.whatsapp.net", target, Sealed));

            var ack = await b.ReceiveUntilAsync(n => n.Tag == "ack");
            Assert.Equal(("receipt", "3EB0MR01", "server-error"), (ack.GetString("class"), ack.GetString("id"), ack.GetString("type")));
            var atCompanion = await a.ReceiveUntilAsync(n => n.Tag == "receipt");
            var atPhone = await harness.Phones.WaitForAsync(d => d.Phone == harness.A.Phone && d.Stanza.Tag == "receipt");
            foreach (var forwarded in new[] { atCompanion, atPhone })
            {
                Assert.Equal((harness.LidOf(harness.B), "server-error"), (forwarded.GetString("from"), forwarded.GetString("type")));
                var request = MediaRetryStanzas.ReadRequest(forwarded);
                Assert.Equal(target, request.Target);
                Assert.Equal(Sealed.Ciphertext.ToArray(), request.Sealed.Ciphertext.ToArray());
            }

            Assert.DoesNotContain(harness.Phones.Delivered, d => d.Phone == harness.B.Phone && d.Stanza.Tag == "receipt");
        }
    }

    [Fact]
    public async Task A_retry_for_a_sender_that_is_no_account_is_answered_not_found_by_the_server()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (b)
        {
            var target = new MediaRetryTarget("3EB0MR01", "15559999999@s.whatsapp.net", false, null);
            await b.SendAsync(MediaRetryStanzas.Request("15550002222@s.whatsapp.net", target, Sealed));

            var answer = MediaRetryStanzas.ReadAnswer(await b.ReceiveUntilAsync(n => n.Tag == "notification"));

            Assert.Equal((target, 2), (answer.Target, answer.ErrorCode));
        }
    }

    [Fact]
    public async Task A_server_error_receipt_without_its_sealed_part_is_acked_dropped_and_the_stream_kept()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (b)
        {
            await b.SendAsync(new Node("receipt", [("id", "3EB0MR02"), ("to", "15550002222@s.whatsapp.net"), ("type", "server-error")],
                [new Node("rmr", [("jid", "15550001111@s.whatsapp.net"), ("from_me", "false")])]));

            Assert.Equal("3EB0MR02", (await b.ReceiveUntilAsync(n => n.Tag == "ack")).GetString("id"));
            await RelayHarness.AssertNothingPendingAsync(b);
            Assert.DoesNotContain(harness.Phones.Delivered, d => d.Stanza.Tag == "receipt");
        }
    }
}
