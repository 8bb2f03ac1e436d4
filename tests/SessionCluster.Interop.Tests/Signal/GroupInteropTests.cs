using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// Sender keys between our engine and Baileys' own group cipher (baileys/lib/Signal/Group): each
/// side's SenderKeyDistributionMessage processed by the other, messages in order, out of order,
/// with gaps and duplicates, late joiners, rotated keys and tampering.
/// </summary>
/// <remarks>
/// Baileys' GroupCipher.encrypt takes iteration 0, then iteration+1 of the already advanced chain,
/// so its messages carry iterations 0, 2, 4, …; every receiver skips (and stores) the odd keys.
/// Its decrypt allows a message at most 2,000 iterations past its chain (group_cipher.js).
/// </remarks>
[Trait("Category", "Interop")]
public sealed class GroupInteropTests(SignalPeerFixture fixture) : IClassFixture<SignalPeerFixture>
{
    private const string Group = "120363025246125486@g.us";

    private readonly LibsignalNode _node = fixture.Node;

    [Fact]
    public async Task Baileys_group_messages_decrypt_in_our_engine_in_order_out_of_order_and_with_gaps_and_duplicates_are_refused()
    {
        var sender = await _node.InitAsync();
        var ours = new CSharpParty();
        var (senderAddress, distribution) = await _node.GroupCreateAsync(sender, Group);
        ours.GroupProcess(Group, senderAddress, distribution);
        Assert.Equal(1, ours.SenderKey(Group, senderAddress).StateCount);

        // Baileys signs with curve25519-js (pure JavaScript, ~7 ms a signature): 400 messages is seconds.
        var plaintexts = Enumerable.Range(0, 400).Select(P).ToList();
        var sent = await _node.GroupEncryptManyAsync(sender, Group, plaintexts);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (uint)(2 * i)), sent.Select(m => m.Iteration));
        Assert.Single(sent.Select(m => m.KeyId).Distinct());

        // The sender stored the odd key it skipped before each message but the first.
        Assert.Equal(399, Assert.Single(await _node.GroupStateAsync(sender, Group, senderAddress)).MessageKeys);

        // In order, then the last one (a jump of 700 iterations), then a shuffled sample of the rest.
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(plaintexts[i], ours.GroupDecrypt(Group, senderAddress, sent[i].Ciphertext));
        }

        Assert.Equal(plaintexts[399], ours.GroupDecrypt(Group, senderAddress, sent[399].Ciphertext));
        var random = new Random(11);
        var delivered = Enumerable.Range(50, 349).OrderBy(_ => random.Next()).Take(200).ToList();
        foreach (var i in delivered)
        {
            Assert.Equal(plaintexts[i], ours.GroupDecrypt(Group, senderAddress, sent[i].Ciphertext));
        }

        foreach (var i in delivered.Take(10).Append(0).Append(49).Append(399))
        {
            var before = ours.SenderKey(Group, senderAddress);
            var serialized = before.Serialize();
            var refusal = Assert.Throws<SignalDecryptException>(() => GroupCipher.Decrypt(before, sent[i].Ciphertext));
            Assert.Equal(DecryptFailure.DuplicateMessage, refusal.Failure);
            Assert.Equal(serialized, before.Serialize());
        }

        var more = Enumerable.Range(400, 10).Select(P).ToList();
        var moreSent = await _node.GroupEncryptManyAsync(sender, Group, more);
        for (var i = 0; i < more.Count; i++)
        {
            Assert.Equal(more[i], ours.GroupDecrypt(Group, senderAddress, moreSent[i].Ciphertext));
        }
    }

    [Fact]
    public async Task Our_group_messages_decrypt_in_Baileys_after_the_largest_gap_it_allows_and_duplicates_are_refused()
    {
        var ours = new CSharpParty();
        var receiver = await _node.InitAsync(senderKeyJson: "buffer-json");
        await _node.GroupProcessAsync(receiver, Group, ours.Address, ours.GroupCreate(Group));

        // Iterations 0..2000: the last one first (2,000 ahead of Baileys' chain at 0), then a sample.
        var plaintexts = Enumerable.Range(0, 2001).Select(P).ToList();
        var sent = plaintexts.Select(p => ours.GroupEncrypt(Group, p)).ToList();
        await AssertBaileysDecryptsAsync(receiver, ours, [(sent[2000], plaintexts[2000])]);
        var random = new Random(12);
        var sample = Enumerable.Range(0, 2000).OrderBy(_ => random.Next()).Take(100).ToList();
        await AssertBaileysDecryptsAsync(receiver, ours, [.. sample.Select(i => (sent[i], plaintexts[i]))]);
        Assert.Equal(new[] { (1900, 2001u) }, (await _node.GroupStateAsync(receiver, Group, ours.Address)).Select(s => (s.MessageKeys, s.Iteration)));

        // Baileys' chain is at 2001: iteration 4002 is 2,001 ahead and refused, 4001 is not.
        var further = Enumerable.Range(2001, 2002).Select(P).ToList();
        var furtherSent = further.Select(p => ours.GroupEncrypt(Group, p)).ToList();
        var results = await _node.GroupDecryptManyAsync(receiver, Group, ours.Address, [furtherSent[^1], furtherSent[^2], furtherSent[^1], sent[2000], sent[sample[0]]]);
        Assert.Equal(("Error", "Over 2000 messages into the future!"), (results[0].ErrorName, results[0].ErrorMessage));
        Assert.Equal(further[^2], results[1].Plaintext);
        Assert.Equal(further[^1], results[2].Plaintext);
        Assert.All(results.Skip(3), r => Assert.StartsWith("Received message with old counter", r.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Baileys_store_loses_skipped_sender_message_keys_so_out_of_order_messages_fail_there_from_any_sender()
    {
        var ours = new CSharpParty();
        var baileysStore = await _node.InitAsync(senderKeyJson: "baileys");
        var bufferStore = await _node.InitAsync(senderKeyJson: "buffer-json");
        var distribution = ours.GroupCreate(Group);
        await _node.GroupProcessAsync(baileysStore, Group, ours.Address, distribution);
        await _node.GroupProcessAsync(bufferStore, Group, ours.Address, distribution);
        var sent = Enumerable.Range(0, 3).Select(i => ours.GroupEncrypt(Group, P(i))).ToList();
        byte[][] order = [sent[2], sent[0], sent[1]];

        // Baileys' store writes the record with plain JSON.stringify, so a skipped key's seed comes
        // back from BufferJSON.reviver as {type:'Buffer',data:[…]}, not a Buffer, and libsignal's
        // deriveSecrets refuses it. The same messages through a store that keeps Buffers decrypt.
        var plain = await _node.GroupDecryptManyAsync(baileysStore, Group, ours.Address, order);
        Assert.Equal(P(2), plain[0].Plaintext);
        Assert.All(plain.Skip(1), r => Assert.Equal(("TypeError", "Expected Buffer instead of: Object"), (r.ErrorName, r.ErrorMessage)));
        var kept = await _node.GroupDecryptManyAsync(bufferStore, Group, ours.Address, order);
        Assert.Equal(new[] { P(2), P(0), P(1) }, kept.Select(r => r.Plaintext));

        // Not ours: a Baileys sender and a Baileys receiver fail the same way; our engine does not.
        var baileysSender = await _node.InitAsync();
        var (senderAddress, baileysDistribution) = await _node.GroupCreateAsync(baileysSender, Group);
        await _node.GroupProcessAsync(baileysStore, Group, senderAddress, baileysDistribution);
        ours.GroupProcess(Group, senderAddress, baileysDistribution);
        var fromBaileys = await _node.GroupEncryptManyAsync(baileysSender, Group, [P(10), P(11), P(12)]);
        byte[][] baileysOrder = [fromBaileys[2].Ciphertext, fromBaileys[0].Ciphertext, fromBaileys[1].Ciphertext];
        var baileysToBaileys = await _node.GroupDecryptManyAsync(baileysStore, Group, senderAddress, baileysOrder);
        Assert.Equal(P(12), baileysToBaileys[0].Plaintext);
        Assert.All(baileysToBaileys.Skip(1), r => Assert.Equal("Expected Buffer instead of: Object", r.ErrorMessage));
        Assert.Equal(new[] { P(12), P(10), P(11) }, baileysOrder.Select(c => ours.GroupDecrypt(Group, senderAddress, c)));
    }

    [Fact]
    public async Task A_late_joiner_reads_from_the_iteration_its_distribution_message_carries_both_ways()
    {
        // Baileys created its sender key and sent iterations 0, 2, 4 before we joined; its chain stands at 5.
        var sender = await _node.InitAsync();
        await _node.GroupCreateAsync(sender, Group);
        var early = await _node.GroupEncryptManyAsync(sender, Group, [P(0), P(1), P(2)]);
        var ours = new CSharpParty();
        var (senderAddress, distribution) = await _node.GroupCreateAsync(sender, Group);
        ours.GroupProcess(Group, senderAddress, distribution);
        var late = await _node.GroupEncryptManyAsync(sender, Group, [P(3), P(4)]);
        Assert.Equal(new[] { 6u, 8u }, late.Select(m => m.Iteration));
        Assert.Equal(new[] { P(3), P(4) }, late.Select(m => ours.GroupDecrypt(Group, senderAddress, m.Ciphertext)));
        Assert.All(early, m => Assert.Equal(DecryptFailure.DuplicateMessage,
            Assert.Throws<SignalDecryptException>(() => ours.GroupDecrypt(Group, senderAddress, m.Ciphertext)).Failure));

        // We created our sender key and sent iterations 0..2 before Baileys joined.
        var receiver = await _node.InitAsync();
        ours.GroupCreate(Group);
        var ourEarly = Enumerable.Range(0, 3).Select(i => ours.GroupEncrypt(Group, P(i))).ToList();
        await _node.GroupProcessAsync(receiver, Group, ours.Address, ours.GroupCreate(Group));
        var ourLate = Enumerable.Range(3, 2).Select(i => ours.GroupEncrypt(Group, P(i))).ToList();
        var results = await _node.GroupDecryptManyAsync(receiver, Group, ours.Address, [.. ourLate, .. ourEarly]);
        Assert.Equal(new[] { P(3), P(4) }, results.Take(2).Select(r => r.Plaintext));
        Assert.All(results.Skip(2), r => Assert.StartsWith("Received message with old counter: 5, ", r.ErrorMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotated_sender_keys_keep_the_old_state_so_messages_under_either_key_decrypt_both_ways()
    {
        var sender = await _node.InitAsync();
        var ours = new CSharpParty();
        var (senderAddress, first) = await _node.GroupCreateAsync(sender, Group);
        ours.GroupProcess(Group, senderAddress, first);
        var underFirst = (await _node.GroupEncryptManyAsync(sender, Group, [P(1)]))[0];
        await _node.GroupResetAsync(sender, Group);
        var (_, second) = await _node.GroupCreateAsync(sender, Group);
        ours.GroupProcess(Group, senderAddress, second);
        var underSecond = (await _node.GroupEncryptManyAsync(sender, Group, [P(2)]))[0];
        Assert.NotEqual(underFirst.KeyId, underSecond.KeyId);
        Assert.Equal(2, ours.SenderKey(Group, senderAddress).StateCount);
        Assert.Equal(P(2), ours.GroupDecrypt(Group, senderAddress, underSecond.Ciphertext));
        Assert.Equal(P(1), ours.GroupDecrypt(Group, senderAddress, underFirst.Ciphertext));

        var receiver = await _node.InitAsync();
        await _node.GroupProcessAsync(receiver, Group, ours.Address, ours.GroupCreate(Group));
        var ourFirst = ours.GroupEncrypt(Group, P(3));
        ours.GroupReset(Group);
        await _node.GroupProcessAsync(receiver, Group, ours.Address, ours.GroupCreate(Group));
        var ourSecond = ours.GroupEncrypt(Group, P(4));
        var results = await _node.GroupDecryptManyAsync(receiver, Group, ours.Address, [ourSecond, ourFirst]);
        Assert.Equal(new[] { P(4), P(3) }, results.Select(r => r.Plaintext));
        Assert.Equal(2, (await _node.GroupStateAsync(receiver, Group, ours.Address)).Count);
    }

    [Fact]
    public async Task Tampered_group_messages_are_refused_by_both_and_the_untouched_ones_still_decrypt()
    {
        var sender = await _node.InitAsync();
        var ours = new CSharpParty();
        var (senderAddress, distribution) = await _node.GroupCreateAsync(sender, Group);
        ours.GroupProcess(Group, senderAddress, distribution);
        var fromBaileys = (await _node.GroupEncryptManyAsync(sender, Group, [P(1)]))[0].Ciphertext;
        // A bit of the ciphertext, a bit of the signature, the version byte.
        foreach (var position in new[] { fromBaileys.Length - 70, fromBaileys.Length - 1 })
        {
            var refusal = Assert.Throws<SignalDecryptException>(() => ours.GroupDecrypt(Group, senderAddress, Flip(fromBaileys, position)));
            Assert.Equal(DecryptFailure.InvalidMac, refusal.Failure);
        }

        // 0x33 → 0x23: message version 2.
        Assert.Equal(DecryptFailure.UnsupportedVersion,
            Assert.Throws<SignalDecryptException>(() => ours.GroupDecrypt(Group, senderAddress, Flip(fromBaileys, 0, 0x10))).Failure);

        Assert.Equal(P(1), ours.GroupDecrypt(Group, senderAddress, fromBaileys));

        var receiver = await _node.InitAsync();
        await _node.GroupProcessAsync(receiver, Group, ours.Address, ours.GroupCreate(Group));
        var fromUs = ours.GroupEncrypt(Group, P(2));
        // Baileys never looks at the version byte; the signature, which covers it, refuses the third.
        var results = await _node.GroupDecryptManyAsync(receiver, Group, ours.Address,
            [Flip(fromUs, fromUs.Length - 70), Flip(fromUs, fromUs.Length - 1), Flip(fromUs, 0, 0x10), fromUs]);
        Assert.All(results.Take(3), r => Assert.Equal("Invalid signature!", r.ErrorMessage));
        Assert.Equal(P(2), results[3].Plaintext);
    }

    private async Task AssertBaileysDecryptsAsync(NodeParty receiver, CSharpParty sender, IReadOnlyList<(byte[] Ciphertext, byte[] Plaintext)> batch)
    {
        var results = await _node.GroupDecryptManyAsync(receiver, Group, sender.Address, batch.Select(b => b.Ciphertext));
        for (var i = 0; i < batch.Count; i++)
        {
            Assert.True(results[i].Succeeded, $"item {i}: {results[i]}");
            Assert.Equal(batch[i].Plaintext, results[i].Plaintext);
        }
    }

    private static byte[] Flip(byte[] message, int position, byte mask = 0x01)
    {
        var copy = (byte[])message.Clone();
        copy[position] ^= mask;
        return copy;
    }

    private static byte[] P(int i) => System.Text.Encoding.UTF8.GetBytes($"group message {i}");
}
