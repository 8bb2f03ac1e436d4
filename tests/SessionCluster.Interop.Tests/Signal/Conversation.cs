using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>A message on its way: what was encrypted, the wire message, and the round it was sent in.</summary>
public sealed record InFlight(int Sequence, byte[] Plaintext, CiphertextMessage Message, int Round);

/// <summary>
/// A 1:1 conversation between a <see cref="CSharpParty"/> and a libsignal-node party with a seeded
/// network in between: each round one side sends a batch, and each side is then handed a random
/// subset of what is in flight to it, shuffled. Every delivery must decrypt to exactly what was
/// sent. A message is held back at most <see cref="MaxAgeRounds"/> rounds, which keeps it within the
/// five receiving chains a session keeps (libsignal-node keeps all; ours, like Signal's, five).
/// </summary>
public sealed class Conversation(LibsignalNode node, CSharpParty ours, NodeParty theirs, int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<InFlight> _toNode = [];
    private readonly List<InFlight> _toCSharp = [];
    private int _round;
    private bool _nodeHasSession;

    /// <summary>How many rounds a message may wait before it is delivered. Default 2.</summary>
    public int MaxAgeRounds { get; init; } = 2;

    /// <summary>The largest batch a side sends in one round. Default 12.</summary>
    public int MaxBatch { get; init; } = 12;

    /// <summary>The share of eligible in-flight messages delivered each round. Default 0.5.</summary>
    public double DeliveryRate { get; init; } = 0.5;

    public int Sent { get; private set; }

    public int DeliveredToNode { get; private set; }

    public int DeliveredToCSharp { get; private set; }

    /// <summary>How many messages arrived after one sent later than them in the same direction.</summary>
    public int ArrivedOutOfOrder { get; private set; }

    /// <summary>How many times the sending direction changed from one round to the next.</summary>
    public int DirectionChanges { get; private set; }

    /// <summary>Sends and delivers until <paramref name="messages"/> have been sent, then delivers the rest.</summary>
    public async Task RunAsync(int messages)
    {
        var lastDirection = -1;
        while (Sent < messages)
        {
            _round++;
            var direction = _random.Next(2);

            // A responder has nothing to send with until the first message reached it.
            if (direction == 0 && !ours.Session(theirs.Address).HasCurrentSession)
            {
                direction = 1;
            }
            else if (direction == 1 && !_nodeHasSession && !(_nodeHasSession = (await node.SessionAsync(theirs, ours.Address)).Open))
            {
                direction = 0;
            }
            if (lastDirection >= 0 && direction != lastDirection)
            {
                DirectionChanges++;
            }

            lastDirection = direction;
            var count = Math.Min(_random.Next(1, MaxBatch + 1), messages - Sent);
            if (direction == 0)
            {
                SendFromCSharp(count);
            }
            else
            {
                await SendFromNodeAsync(count);
            }

            await DeliverToNodeAsync(Pick(_toNode));
            DeliverToCSharp(Pick(_toCSharp));
        }

        await DeliverAllAsync();
    }

    public IReadOnlyList<InFlight> SendFromCSharp(int count)
    {
        var batch = new List<InFlight>(count);
        for (var i = 0; i < count; i++)
        {
            var plaintext = NextPlaintext();
            batch.Add(new InFlight(Sent++, plaintext, ours.Encrypt(theirs.Address, plaintext), _round));
        }

        _toNode.AddRange(batch);
        return batch;
    }

    public async Task<IReadOnlyList<InFlight>> SendFromNodeAsync(int count)
    {
        var plaintexts = Enumerable.Range(0, count).Select(_ => NextPlaintext()).ToList();
        var messages = await node.EncryptManyAsync(theirs, ours.Address, plaintexts);
        var batch = plaintexts.Select((plaintext, i) => new InFlight(Sent++, plaintext, messages[i], _round)).ToList();
        _toCSharp.AddRange(batch);
        return batch;
    }

    public async Task DeliverAllAsync()
    {
        await DeliverToNodeAsync(Shuffle([.. _toNode]));
        DeliverToCSharp(Shuffle([.. _toCSharp]));
    }

    public async Task DeliverToNodeAsync(IReadOnlyList<InFlight> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var results = await node.DecryptManyAsync(theirs, ours.Address, batch.Select(m => m.Message));
        for (var i = 0; i < batch.Count; i++)
        {
            var sent = batch[i];
            Assert.True(results[i].Succeeded, $"seed {seed}: message #{sent.Sequence} ({sent.Message.WireType}, round {sent.Round}) from C# was refused by libsignal-node: {results[i]}");
            Assert.Equal(sent.Plaintext, results[i].Plaintext);
            CountOrder(_toNode, sent);
            _toNode.Remove(sent);
            DeliveredToNode++;
        }
    }

    public void DeliverToCSharp(IReadOnlyList<InFlight> batch)
    {
        foreach (var sent in batch)
        {
            byte[] plaintext;
            try
            {
                plaintext = ours.Decrypt(theirs.Address, sent.Message);
            }
            catch (SignalDecryptException e)
            {
                Assert.Fail($"seed {seed}: message #{sent.Sequence} ({sent.Message.WireType}, round {sent.Round}) from libsignal-node was refused by our engine: {e.Message}");
                throw;
            }

            Assert.Equal(sent.Plaintext, plaintext);
            CountOrder(_toCSharp, sent);
            _toCSharp.Remove(sent);
            DeliveredToCSharp++;
        }
    }

    private void CountOrder(List<InFlight> pending, InFlight delivered)
    {
        if (pending.Any(m => m.Sequence < delivered.Sequence))
        {
            ArrivedOutOfOrder++;
        }
    }

    // Everything past its age limit, plus a random share of the rest, in random order.
    private List<InFlight> Pick(List<InFlight> inFlight)
    {
        var picked = inFlight.Where(m => _round - m.Round >= MaxAgeRounds || _random.NextDouble() < DeliveryRate).ToList();
        return Shuffle(picked);
    }

    private List<InFlight> Shuffle(List<InFlight> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return items;
    }

    // Mostly short texts, sometimes empty, sometimes a few kilobytes (whole AES blocks included).
    private byte[] NextPlaintext()
    {
        var length = _random.Next(100) switch
        {
            < 2 => 0,
            < 5 => 16 * _random.Next(1, 5),
            < 10 => _random.Next(1000, 4000),
            _ => _random.Next(1, 200),
        };
        var plaintext = new byte[length];
        _random.NextBytes(plaintext);
        return plaintext;
    }
}
