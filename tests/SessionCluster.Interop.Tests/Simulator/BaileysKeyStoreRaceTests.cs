using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>One baileys-keystore-peer.mjs process: Baileys' own Signal repository and key-store transactions, no socket.</summary>
public sealed class BaileysKeyStorePeerFixture : NodePeerFixture
{
    protected override string Script => "baileys-keystore-peer.mjs";
}

/// <summary>
/// Why two Baileys companions sending to each other at the same moment can lose a message, with no server involved:
/// Baileys 7.0.0-rc14 runs a send in a key-store transaction keyed by its own JID and a decryption in one keyed by the
/// sender's JID, so both can hold a copy of one Signal record at once and the later commit undoes the other. Each
/// case runs the same steps twice, one after the other (every message decrypts) and overlapped as concurrent sends
/// and receives overlap (a message is lost), so the loss is the overlap's alone. docs/SIMULATOR.md, "Concurrent
/// senders", tells the whole story and what the simulator does about it.
/// </summary>
/// <remarks>
/// These tests pin Baileys' behaviour as it is. When a Baileys release keys both transactions alike (as
/// Baileys pull request 2372 proposes), the overlapped cases stop losing and these tests fail: then
/// <see cref="ConcurrentMessagingTests"/> can require that nothing is lost at the Baileys companions too.
/// </remarks>
[Trait("Category", "Interop")]
public sealed class BaileysKeyStoreRaceTests(BaileysKeyStorePeerFixture fixture) : IClassFixture<BaileysKeyStorePeerFixture>
{
    [Fact]
    public async Task A_receivers_send_commit_erases_the_session_its_concurrent_decrypt_just_built()
    {
        var serialized = await fixture.Peer.CallAsync("receiverLosesIncomingSession", new { serialized = true });
        Assert.Equal("pkmsg", serialized.GetProperty("secondType").GetString());
        AssertDecrypted(serialized.GetProperty("first"), "a->b 0");
        AssertDecrypted(serialized.GetProperty("second"), "a->b 1");

        // Overlapped: the first pkmsg decrypts (its one-time prekey is used up), then B's send commits the record
        // without that session; A's next pkmsg on the same base key finds neither the session nor the prekey.
        var overlapped = await fixture.Peer.CallAsync("receiverLosesIncomingSession", new { serialized = false });
        Assert.Equal("pkmsg", overlapped.GetProperty("secondType").GetString());
        AssertDecrypted(overlapped.GetProperty("first"), "a->b 0");
        AssertFailed(overlapped.GetProperty("second"), "PreKeyError: Invalid PreKey ID");
    }

    [Fact]
    public async Task A_senders_decrypt_commit_rolls_its_sending_chain_back_and_a_message_key_is_used_twice()
    {
        var serialized = await fixture.Peer.CallAsync("senderReusesMessageKey", new { serialized = true });
        Assert.Equal([0, 1, 2], Counters(serialized));
        Assert.All(serialized.GetProperty("atA").EnumerateArray(), r => Assert.True(r.GetProperty("ok").GetBoolean(), r.GetRawText()));
        Assert.All(serialized.GetProperty("atB").EnumerateArray(), r => Assert.True(r.GetProperty("ok").GetBoolean(), r.GetRawText()));

        // Overlapped: A's decrypt commits its older copy after A's send committed, so A's next message is encrypted
        // under the same chain key and counter as the one before (two plaintexts, one message key); B decrypts the
        // first and refuses the second, which Baileys treats as final (no retry receipt).
        var overlapped = await fixture.Peer.CallAsync("senderReusesMessageKey", new { serialized = false });
        Assert.Equal([0, 1, 1], Counters(overlapped));
        var ratchetKeys = overlapped.GetProperty("sent").EnumerateArray().Select(s => s.GetProperty("ratchetKey").GetString()).Distinct().ToArray();
        Assert.Single(ratchetKeys);
        var atB = overlapped.GetProperty("atB").EnumerateArray().ToArray();
        AssertDecrypted(atB[2], "a->b 2");
        AssertFailed(atB[3], "SessionError: No matching sessions found for message");
        Assert.Contains(atB[3].GetProperty("causes").EnumerateArray(), c => c.GetString()!.Contains("Key used already or never filled", StringComparison.Ordinal));
    }

    private static int[] Counters(JsonElement result) =>
        [.. result.GetProperty("sent").EnumerateArray().Select(s => s.GetProperty("counter").GetInt32())];

    private static void AssertDecrypted(JsonElement decryption, string text)
    {
        Assert.True(decryption.GetProperty("ok").GetBoolean(), decryption.GetRawText());
        Assert.Equal(text, decryption.GetProperty("text").GetString());
    }

    private static void AssertFailed(JsonElement decryption, string error)
    {
        Assert.False(decryption.GetProperty("ok").GetBoolean(), decryption.GetRawText());
        Assert.Equal(error, decryption.GetProperty("error").GetString());
    }
}
