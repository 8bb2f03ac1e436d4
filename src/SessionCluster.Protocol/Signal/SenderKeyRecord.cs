namespace SessionCluster.Protocol.Signal;

/// <summary>
/// Everything we hold to read (and, for our own device, write) the group messages of one sender device
/// in one group; store one per (group, sender device). Up to five sender key states, newest first; the
/// newest is our own sending state when it holds a signing private key. Immutable; every operation in
/// <see cref="GroupSessionBuilder"/> and <see cref="GroupCipher"/> returns a new record and leaves this
/// one as it was.
/// </summary>
public sealed class SenderKeyRecord
{
    /// <summary>States kept per record; a distribution with a new key id beyond this drops the oldest.</summary>
    public const int MaxStates = 5;

    private readonly SenderKeyState[] _states;

    private SenderKeyRecord(SenderKeyState[] states)
    {
        _states = states;
    }

    public static SenderKeyRecord Empty { get; } = new([]);

    public bool IsEmpty => _states.Length == 0;

    public int StateCount => _states.Length;

    /// <summary>The newest state, or null for an empty record. Only this state can encrypt.</summary>
    internal SenderKeyState? Newest => _states.Length == 0 ? null : _states[0];

    /// <summary>The key id of the newest state (the one our own sends use), or null for an empty record.</summary>
    public uint? NewestKeyId => _states.Length == 0 ? null : _states[0].KeyId;

    /// <summary>Newest first.</summary>
    internal ReadOnlySpan<SenderKeyState> States => _states;

    /// <summary>Reads a record written by <see cref="Serialize"/> of this or an earlier version.</summary>
    /// <exception cref="SignalRecordException">The bytes are corrupt or of a record version this build does not know.</exception>
    public static SenderKeyRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        var states = SenderKeyRecordFormat.Read(serialized);
        return states.Length == 0 ? Empty : new SenderKeyRecord(states);
    }

    public byte[] Serialize() => SenderKeyRecordFormat.Write(_states);

    /// <summary>Lists key ids and iterations; never key material.</summary>
    public override string ToString() => $"SenderKeyRecord[{string.Join("; ", (IEnumerable<SenderKeyState>)_states)}]";

    internal int IndexOf(uint keyId)
    {
        for (var i = 0; i < _states.Length; i++)
        {
            if (_states[i].KeyId == keyId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>This record with the state at <paramref name="index"/> replaced, order unchanged.</summary>
    internal SenderKeyRecord WithStateAt(int index, SenderKeyState state)
    {
        var states = (SenderKeyState[])_states.Clone();
        states[index] = state;
        return new SenderKeyRecord(states);
    }

    /// <summary>
    /// This record with <paramref name="state"/> first. Any other state with the same key id goes; past
    /// <see cref="MaxStates"/> the oldest goes.
    /// </summary>
    internal SenderKeyRecord WithNewest(SenderKeyState state)
    {
        var states = new SenderKeyState[Math.Min(_states.Length + 1, MaxStates)];
        states[0] = state;
        var count = 1;
        foreach (var existing in _states)
        {
            if (count == states.Length)
            {
                break;
            }

            if (existing.KeyId != state.KeyId)
            {
                states[count++] = existing;
            }
        }

        return new SenderKeyRecord(count == states.Length ? states : states[..count]);
    }
}
