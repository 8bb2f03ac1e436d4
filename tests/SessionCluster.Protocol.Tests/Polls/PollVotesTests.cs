using Google.Protobuf;
using SessionCluster.Protocol.Polls;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Protocol.Tests.Polls;

/// <summary>
/// Poll votes (docs/PROTOCOL.md §9 "A vote"). The fixed vector was made once with Baileys 7.0.0-rc14's own exported
/// functions by tests/Interop/poll-vote-vector.mjs (sealed with hmacSign and aesEncryptGCM, then opened by Baileys'
/// decryptPollVote and named by getAggregateVotesInPollMessage, which read "Green" and "Blue"); run it again with
/// <c>cd tests/Interop &amp;&amp; npm ci &amp;&amp; node poll-vote-vector.mjs</c>.
/// </summary>
public sealed class PollVotesTests
{
    private static readonly byte[] Secret = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] Iv = Convert.FromHexString("a0a1a2a3a4a5a6a7a8a9aaab");
    private static readonly PollVoteContext Context = new("3EB0A1B2C3D4E5F6A7B8C9", "15550601002@s.whatsapp.net", "15550601001@s.whatsapp.net");
    private static readonly string[] Options = ["Red", "Green", "Blue"];

    private const string BaileysPayload =
        "4acd0511a95c101174f879c59e7656dac1cf8296a9256587df56d24d1d095733cd9266f2eaefcac0d9dacffc6b0cb91c5f1e0108478b491ee849fb35749d1895b494637fb9a9f26baf9b0d12912b6516b739a527";

    private static PollEncValue BaileysVote => new() { EncPayload = ByteString.CopyFrom(Convert.FromHexString(BaileysPayload)), EncIv = ByteString.CopyFrom(Iv) };

    [Fact]
    public void A_vote_sealed_by_Baileys_opens_to_the_options_Baileys_read()
    {
        var selected = PollVotes.Decrypt(Secret, Context, BaileysVote);

        Assert.Equal(["Green", "Blue"], PollVotes.Names(selected, Options, out var unknown));
        Assert.Equal(0, unknown);
    }

    [Fact]
    public void Our_vote_under_the_same_iv_is_byte_for_byte_the_one_Baileys_reads()
    {
        var ours = PollVotes.Encrypt(Secret, Context, ["Green", "Blue"], Iv);

        Assert.Equal(BaileysPayload, Convert.ToHexStringLower(ours.EncPayload.ToByteArray()));
        Assert.Equal(Iv, ours.EncIv.ToByteArray());
    }

    [Fact]
    public void A_vote_round_trips_under_a_fresh_iv_each_time_and_an_empty_vote_takes_it_back()
    {
        var first = PollVotes.Encrypt(Secret, Context, ["Red"]);
        var second = PollVotes.Encrypt(Secret, Context, ["Red"]);

        Assert.NotEqual(first.EncIv, second.EncIv);
        Assert.Equal(["Red"], PollVotes.Names(PollVotes.Decrypt(Secret, Context, first), Options, out _));
        Assert.Empty(PollVotes.Decrypt(Secret, Context, PollVotes.Encrypt(Secret, Context, [])));
    }

    [Fact]
    public void A_tampered_payload_is_refused_with_a_typed_error()
    {
        var bytes = Convert.FromHexString(BaileysPayload);
        bytes[5] ^= 0x01;
        var tampered = new PollEncValue { EncPayload = ByteString.CopyFrom(bytes), EncIv = ByteString.CopyFrom(Iv) };

        var e = Assert.Throws<PollVoteException>(() => PollVotes.Decrypt(Secret, Context, tampered));
        Assert.Equal(PollVoteFailure.AuthenticationFailed, e.Failure);
    }

    [Theory]
    [InlineData("3EB0OTHERPOLL", "15550601002@s.whatsapp.net", "15550601001@s.whatsapp.net")]
    [InlineData("3EB0A1B2C3D4E5F6A7B8C9", "88001@lid", "15550601001@s.whatsapp.net")]
    [InlineData("3EB0A1B2C3D4E5F6A7B8C9", "15550601002@s.whatsapp.net", "99001@lid")]
    public void A_vote_bound_to_another_poll_creator_or_voter_does_not_open(string pollId, string creator, string voter)
    {
        var e = Assert.Throws<PollVoteException>(() => PollVotes.Decrypt(Secret, new PollVoteContext(pollId, creator, voter), BaileysVote));
        Assert.Equal(PollVoteFailure.AuthenticationFailed, e.Failure);
    }

    [Fact]
    public void A_wrong_sized_secret_or_a_truncated_vote_is_refused_with_its_own_failure()
    {
        Assert.Equal(PollVoteFailure.BadSecret, Assert.Throws<PollVoteException>(() => PollVotes.Decrypt(new byte[16], Context, BaileysVote)).Failure);
        var truncated = new PollEncValue { EncPayload = ByteString.CopyFrom(new byte[10]), EncIv = ByteString.CopyFrom(Iv) };
        Assert.Equal(PollVoteFailure.MalformedVote, Assert.Throws<PollVoteException>(() => PollVotes.Decrypt(Secret, Context, truncated)).Failure);
        Assert.Equal(PollVoteFailure.MalformedVote, Assert.Throws<PollVoteException>(() => PollVotes.Encrypt(Secret, Context, ["Red"], new byte[8])).Failure);
    }

    [Fact]
    public void A_hash_that_names_no_option_is_counted_not_named()
    {
        var names = PollVotes.Names([PollVotes.OptionHash("Blue"), PollVotes.OptionHash("Purple")], Options, out var unknown);

        Assert.Equal(["Blue"], names);
        Assert.Equal(1, unknown);
    }
}
