using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// Out-of-order delivery, gaps up to the 2,000-message limit, gaps across a ratchet step, and
/// duplicates, in both directions between our engine and libsignal-node.
/// </summary>
/// <remarks>
/// libsignal-node's limit (session_cipher.js fillMessageKeys): a message may be at most 2,000
/// counters past the last key its chain derived, so on a fresh chain (counter −1) the first
/// message may carry counter 1999 (1,999 skipped), and 2,000 is refused.
/// </remarks>
[Trait("Category", "Interop")]
public sealed class OrderingInteropTests(SignalPeerFixture fixture) : IClassFixture<SignalPeerFixture>
{
    private const int Limit = 2000;

    private readonly LibsignalNode _node = fixture.Node;

    [Fact]
    public async Task Libsignal_decrypts_our_messages_after_the_largest_gap_it_allows_in_any_order_and_refuses_one_further()
    {
        var (ours, theirs) = await EstablishAsync(seed: 1);

        // Our new sending chain starts at counter 0: send 2,000 and deliver the last first.
        var chain = Enumerable.Range(0, Limit).Select(i => Plaintext(i)).ToList();
        var sent = chain.Select(p => ours.Encrypt(theirs.Address, p)).ToList();
        await AssertNodeDecryptsAsync(ours, theirs, [(sent[^1], chain[^1])]);
        var random = new Random(7);
        var sample = Enumerable.Range(0, Limit - 1).OrderBy(_ => random.Next()).Take(250).ToList();
        await AssertNodeDecryptsAsync(ours, theirs, [.. sample.Select(i => (sent[i], chain[i]))]);

        // The chain now stands at 1999; 2,001 more put the last one 2,001 ahead.
        var further = Enumerable.Range(Limit, Limit + 1).Select(i => Plaintext(i)).ToList();
        var furtherSent = further.Select(p => ours.Encrypt(theirs.Address, p)).ToList();
        var refused = (await _node.DecryptManyAsync(theirs, ours.Address, [furtherSent[^1]]))[0];
        Assert.False(refused.Succeeded);
        Assert.Equal(("SessionError", "No matching sessions found for message"), (refused.ErrorName, refused.ErrorMessage));
        Assert.Contains(refused.Causes, c => c.Contains("Over 2000 messages into the future!", StringComparison.Ordinal));

        await AssertNodeDecryptsAsync(ours, theirs, [(furtherSent[^2], further[^2]), (furtherSent[^1], further[^1]), (furtherSent[0], further[0])]);
    }

    [Fact]
    public async Task Our_engine_decrypts_libsignal_messages_after_the_largest_gap_libsignal_allows_in_any_order_and_refuses_one_further()
    {
        var (ours, theirs) = await EstablishAsync(seed: 2, csharpStarts: false);

        // libsignal's sending chain is new since our last message: 2,000 from counter 0, last first.
        var chain = Enumerable.Range(0, Limit).Select(i => Plaintext(i)).ToList();
        var sent = await _node.EncryptManyAsync(theirs, ours.Address, chain);
        Assert.Equal(chain[^1], ours.Decrypt(theirs.Address, sent[^1]));
        var random = new Random(8);
        foreach (var i in Enumerable.Range(0, Limit - 1).OrderBy(_ => random.Next()))
        {
            Assert.Equal(chain[i], ours.Decrypt(theirs.Address, sent[i]));
        }

        var further = Enumerable.Range(Limit, Limit + 1).Select(i => Plaintext(i)).ToList();
        var furtherSent = await _node.EncryptManyAsync(theirs, ours.Address, further);
        var before = ours.Session(theirs.Address);
        var refusal = Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(before, ours.Identity, furtherSent[^1], ours));
        Assert.Equal(DecryptFailure.TooFarInFuture, refusal.Failure);

        Assert.Equal(further[^2], ours.Decrypt(theirs.Address, furtherSent[^2]));
        Assert.Equal(further[^1], ours.Decrypt(theirs.Address, furtherSent[^1]));
        Assert.Equal(further[0], ours.Decrypt(theirs.Address, furtherSent[0]));
    }

    [Fact]
    public async Task A_gap_that_spans_a_ratchet_step_is_filled_from_the_previous_counter_in_both_directions()
    {
        var (ours, theirs) = await EstablishAsync(seed: 3);
        var random = new Random(9);

        // libsignal → us: 600 on one chain, only #300 arrives; we answer; 5 on the next chain, the
        // first of which tells us (previousCounter 599) how far the old chain went.
        var oldChain = Enumerable.Range(0, 600).Select(i => Plaintext(i)).ToList();
        var oldSent = await _node.EncryptManyAsync(theirs, ours.Address, oldChain);
        Assert.Equal(oldChain[300], ours.Decrypt(theirs.Address, oldSent[300]));
        Assert.Equal(Plaintext(-1), await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(-1))));
        var newChain = Enumerable.Range(1000, 5).Select(i => Plaintext(i)).ToList();
        var newSent = await _node.EncryptManyAsync(theirs, ours.Address, newChain);
        Assert.Equal(newChain[0], ours.Decrypt(theirs.Address, newSent[0]));
        foreach (var i in Enumerable.Range(0, 600).Where(i => i != 300).OrderBy(_ => random.Next()))
        {
            Assert.Equal(oldChain[i], ours.Decrypt(theirs.Address, oldSent[i]));
        }

        for (var i = 1; i < newChain.Count; i++)
        {
            Assert.Equal(newChain[i], ours.Decrypt(theirs.Address, newSent[i]));
        }

        // us → libsignal: the same shape the other way.
        var ourOldChain = Enumerable.Range(0, 600).Select(i => Plaintext(i)).ToList();
        var ourOldSent = ourOldChain.Select(p => ours.Encrypt(theirs.Address, p)).ToList();
        await AssertNodeDecryptsAsync(ours, theirs, [(ourOldSent[300], ourOldChain[300])]);
        Assert.Equal(Plaintext(-2), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(-2))));
        var ourNewChain = Enumerable.Range(1000, 5).Select(i => Plaintext(i)).ToList();
        var ourNewSent = ourNewChain.Select(p => ours.Encrypt(theirs.Address, p)).ToList();
        await AssertNodeDecryptsAsync(ours, theirs, [(ourNewSent[0], ourNewChain[0])]);
        await AssertNodeDecryptsAsync(ours, theirs, [..
            Enumerable.Range(0, 600).Where(i => i != 300).OrderBy(_ => random.Next()).Select(i => (ourOldSent[i], ourOldChain[i])),
            .. Enumerable.Range(1, 4).Select(i => (ourNewSent[i], ourNewChain[i]))]);
    }

    [Fact]
    public async Task Our_engine_refuses_libsignal_duplicates_as_duplicate_messages_and_leaves_the_record_untouched()
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        await _node.ProcessBundleAsync(theirs, ours.Address, ours.Bundle());
        var preKeyMessages = await _node.EncryptManyAsync(theirs, ours.Address, [Plaintext(1), Plaintext(2)]);

        Assert.Equal(Plaintext(1), ours.Decrypt(theirs.Address, preKeyMessages[0]));
        AssertDuplicate(ours, theirs, preKeyMessages[0]);
        Assert.Equal(Plaintext(2), ours.Decrypt(theirs.Address, preKeyMessages[1]));
        AssertDuplicate(ours, theirs, preKeyMessages[1]);
        AssertDuplicate(ours, theirs, preKeyMessages[0]);

        await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(3)));
        var messages = await _node.EncryptManyAsync(theirs, ours.Address, [Plaintext(4), Plaintext(5), Plaintext(6)]);
        Assert.All(messages, m => Assert.Equal(CiphertextType.Whisper, m.Type));
        Assert.Equal(Plaintext(6), ours.Decrypt(theirs.Address, messages[2]));
        AssertDuplicate(ours, theirs, messages[2]);
        Assert.Equal(Plaintext(4), ours.Decrypt(theirs.Address, messages[0]));
        AssertDuplicate(ours, theirs, messages[0]);
        Assert.Equal(Plaintext(5), ours.Decrypt(theirs.Address, messages[1]));
        AssertDuplicate(ours, theirs, messages[1]);
        AssertDuplicate(ours, theirs, preKeyMessages[1]);

        // Nothing the duplicates did stuck: the conversation goes on both ways.
        Assert.Equal(Plaintext(7), await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(7))));
        Assert.Equal(Plaintext(8), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(8))));
    }

    [Fact]
    public async Task Libsignal_refuses_our_duplicates_with_a_counter_error()
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        ours.ProcessBundle(theirs.Address, await _node.BundleAsync(theirs));
        var preKeyMessage = ours.Encrypt(theirs.Address, Plaintext(1));

        var first = await _node.DecryptManyAsync(theirs, ours.Address, [preKeyMessage, preKeyMessage]);
        Assert.True(first[0].Succeeded);

        // A repeated PreKeyWhisperMessage reaches the session it built and fails on the used key.
        Assert.Equal(("MessageCounterError", "Key used already or never filled"), (first[1].ErrorName, first[1].ErrorMessage));

        Assert.Equal(Plaintext(2), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(2))));
        var message = ours.Encrypt(theirs.Address, Plaintext(3));
        var later = ours.Encrypt(theirs.Address, Plaintext(4));
        var results = await _node.DecryptManyAsync(theirs, ours.Address, [later, message, message, later]);

        // A repeated WhisperMessage: libsignal tries every session, throws a generic SessionError and
        // only logs the counter error behind it.
        Assert.True(results[0].Succeeded && results[1].Succeeded);
        Assert.All(results.Skip(2), r =>
        {
            Assert.Equal(("SessionError", "No matching sessions found for message"), (r.ErrorName, r.ErrorMessage));
            Assert.Contains(r.Causes, c => c.Contains("MessageCounterError: Key used already or never filled", StringComparison.Ordinal));
        });
        Assert.Equal(Plaintext(5), await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(5))));
    }

    /// <summary>
    /// Pins a difference of limits, not an interop failure: libsignal-node never drops a receiving
    /// chain of a session, our engine keeps the five most recent (as Signal's libsignal does), so a
    /// message held back while the other side turned its ratchet six times still decrypts there and
    /// no longer here. WhatsApp delivers in order per chat, which keeps real delays far below this.
    /// </summary>
    [Fact]
    public async Task A_message_held_back_across_six_ratchet_turns_still_decrypts_in_libsignal_but_no_longer_in_ours()
    {
        var (ours, theirs) = await EstablishAsync(seed: 4);
        var heldForUs = await _node.EncryptAsync(theirs, ours.Address, Plaintext(100));
        var heldForNode = ours.Encrypt(theirs.Address, Plaintext(200));
        for (var turn = 0; turn < 6; turn++)
        {
            Assert.Equal(Plaintext(turn), await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(turn))));
            Assert.Equal(Plaintext(-turn), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(-turn))));
        }

        Assert.Equal(Plaintext(200), await _node.DecryptAsync(theirs, ours.Address, heldForNode));
        var refusal = Assert.Throws<SignalDecryptException>(() => ours.Decrypt(theirs.Address, heldForUs));
        Assert.Equal(DecryptFailure.InvalidMac, refusal.Failure);

        // The chain after it is still kept: the conversation goes on.
        Assert.Equal(Plaintext(300), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(300))));
    }

    /// <summary>
    /// Pins the other difference of limits: libsignal-node keeps every skipped key of a chain, our
    /// engine the newest 2,000 per chain (as Signal's libsignal and go libsignal do). Two jumps of
    /// 1,999 on one chain leave 3,998 skipped keys: the oldest still decrypts there, not here (its
    /// key is gone, which reads like a duplicate).
    /// </summary>
    [Fact]
    public async Task Skipped_keys_past_two_thousand_on_one_chain_are_all_kept_by_libsignal_but_only_the_newest_by_ours()
    {
        var (ours, theirs) = await EstablishAsync(seed: 5, csharpStarts: false);
        var chain = Enumerable.Range(0, 2 * Limit).Select(i => Plaintext(i)).ToList();
        var fromNode = await _node.EncryptManyAsync(theirs, ours.Address, chain);
        Assert.Equal(chain[1999], ours.Decrypt(theirs.Address, fromNode[1999]));
        Assert.Equal(chain[3999], ours.Decrypt(theirs.Address, fromNode[3999]));
        Assert.Equal(chain[1998], ours.Decrypt(theirs.Address, fromNode[1998]));
        var refusal = Assert.Throws<SignalDecryptException>(() => ours.Decrypt(theirs.Address, fromNode[0]));
        Assert.Equal(DecryptFailure.DuplicateMessage, refusal.Failure);

        var (ours2, theirs2) = await EstablishAsync(seed: 6);
        var fromUs = chain.Select(p => ours2.Encrypt(theirs2.Address, p)).ToList();
        await AssertNodeDecryptsAsync(ours2, theirs2, [(fromUs[1999], chain[1999]), (fromUs[3999], chain[3999]), (fromUs[1998], chain[1998]), (fromUs[0], chain[0])]);
    }

    /// <summary>A confirmed session: the starter sent, the other side answered, the starter read the answer.</summary>
    private async Task<(CSharpParty Ours, NodeParty Theirs)> EstablishAsync(int seed, bool csharpStarts = true)
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        if (csharpStarts)
        {
            ours.ProcessBundle(theirs.Address, await _node.BundleAsync(theirs));
            Assert.Equal(Plaintext(-seed), await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(-seed))));
            Assert.Equal(Plaintext(seed), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(seed))));
        }
        else
        {
            await _node.ProcessBundleAsync(theirs, ours.Address, ours.Bundle());
            Assert.Equal(Plaintext(seed), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, Plaintext(seed))));
            Assert.Equal(Plaintext(-seed), await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, Plaintext(-seed))));
        }

        return (ours, theirs);
    }

    private async Task AssertNodeDecryptsAsync(CSharpParty ours, NodeParty theirs, IReadOnlyList<(CiphertextMessage Message, byte[] Plaintext)> batch)
    {
        var results = await _node.DecryptManyAsync(theirs, ours.Address, batch.Select(b => b.Message));
        for (var i = 0; i < batch.Count; i++)
        {
            Assert.True(results[i].Succeeded, $"item {i} of the batch: {results[i]}");
            Assert.Equal(batch[i].Plaintext, results[i].Plaintext);
        }
    }

    private static void AssertDuplicate(CSharpParty ours, NodeParty theirs, CiphertextMessage message)
    {
        var before = ours.Session(theirs.Address);
        var serialized = before.Serialize();
        var refusal = Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(before, ours.Identity, message, ours));
        Assert.Equal(DecryptFailure.DuplicateMessage, refusal.Failure);
        Assert.Equal(serialized, before.Serialize());
    }

    private static byte[] Plaintext(int i) => System.Text.Encoding.UTF8.GetBytes($"message {i}");
}
