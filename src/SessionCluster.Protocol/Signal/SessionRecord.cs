namespace SessionCluster.Protocol.Signal;

/// <summary>
/// Everything we keep about the Signal sessions with one peer device: the current (open) session
/// and up to <see cref="MaxArchivedSessions"/> archived ones, whose late messages still decrypt.
/// An immutable value: <see cref="SessionBuilder"/> and <see cref="SessionCipher"/> return new records
/// and never change the one passed in, so a caller can persist the new record before the ciphertext
/// leaves (or drop it when anything fails).
/// </summary>
/// <remarks>
/// libsignal-node keeps one dictionary of sessions keyed by base key, each stamped with when it was
/// last used and when it was closed (<c>session_record.js</c>). Here the open session is a field and
/// the closed ones an array in libsignal-node's trial order (most recently used first), each carrying
/// a close ordinal in place of the close time, which decides eviction.
/// </remarks>
public sealed partial class SessionRecord
{
    /// <summary>
    /// Archived sessions kept (libsignal <c>ARCHIVED_STATES_MAX_LENGTH</c>, GLS <c>archivedStatesMaxLength</c>).
    /// libsignal-node's <c>CLOSED_SESSIONS_MAX</c> is also 40 but counts the open session too.
    /// </summary>
    public const int MaxArchivedSessions = 40;

    public static SessionRecord Empty { get; } = new(null, [], 0);

    private readonly SessionState[] archived;

    private SessionRecord(SessionState? current, SessionState[] archived, ulong lastCloseOrdinal)
    {
        Current = current;
        this.archived = archived;
        LastCloseOrdinal = lastCloseOrdinal;
    }

    public bool HasCurrentSession => Current is not null;

    public int ArchivedSessionCount => archived.Length;

    /// <summary>The current session's peer identity key (raw 32 bytes); empty when there is no current session.</summary>
    public ReadOnlyMemory<byte> RemoteIdentityKey => Current?.RemoteIdentityKey ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>The current session's peer registration id; 0 when there is no current session.</summary>
    public uint RemoteRegistrationId => Current?.RemoteRegistrationId ?? 0;

    internal SessionState? Current { get; }

    /// <summary>Archived sessions, most recently used first.</summary>
    internal ReadOnlySpan<SessionState> Archived => archived;

    internal ulong LastCloseOrdinal { get; }

    /// <summary>Shows counts only; never keys.</summary>
    public override string ToString() => $"SessionRecord({(HasCurrentSession ? "open session" : "no open session")}, {archived.Length} archived)";

    /// <summary>The same record with its current session replaced by a later state of itself.</summary>
    internal SessionRecord WithCurrent(SessionState state) => new(state, archived, LastCloseOrdinal);

    /// <summary>
    /// A new session becomes current; the current one, if any, is closed and archived
    /// (libsignal-node <c>closeSession</c> + <c>setSession</c>), then the record is trimmed
    /// (<c>removeOldSessions</c>: the session closed longest ago goes first).
    /// </summary>
    internal SessionRecord WithNewCurrent(SessionState state)
    {
        if (Current is null)
        {
            return new SessionRecord(state, archived, LastCloseOrdinal);
        }

        var ordinal = LastCloseOrdinal + 1;
        var closed = Current with { CloseOrdinal = ordinal };
        var list = new List<SessionState>(archived.Length + 1) { closed };
        list.AddRange(archived);
        while (list.Count > MaxArchivedSessions)
        {
            var oldest = 0;
            for (var i = 1; i < list.Count; i++)
            {
                if (list[i].CloseOrdinal < list[oldest].CloseOrdinal)
                {
                    oldest = i;
                }
            }

            list.RemoveAt(oldest);
        }

        return new SessionRecord(state, [.. list], ordinal);
    }

    /// <summary>
    /// An archived session decrypted a message. libsignal-node stamps it as used (so it is tried first
    /// next time, <c>getSessions</c> sorts by <c>indexInfo.used</c>) but leaves it closed: it is not
    /// reopened, the open session stays the one we encrypt with, and its close time still decides
    /// eviction. So it moves to the front of the archive, keeping its close ordinal.
    /// </summary>
    internal SessionRecord WithArchivedUsed(int index, SessionState state)
    {
        var list = new SessionState[archived.Length];
        list[0] = state;
        archived.AsSpan(0, index).CopyTo(list.AsSpan(1));
        archived.AsSpan(index + 1).CopyTo(list.AsSpan(index + 1));
        return new SessionRecord(Current, list, LastCloseOrdinal);
    }

    /// <summary>For deserialization: the parts as stored.</summary>
    internal static SessionRecord FromParts(SessionState? current, SessionState[] archived, ulong lastCloseOrdinal) =>
        current is null && archived.Length == 0 && lastCloseOrdinal == 0 ? Empty : new SessionRecord(current, archived, lastCloseOrdinal);
}
