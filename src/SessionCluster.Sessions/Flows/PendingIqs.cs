using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Sessions.Flows;

/// <summary>How an iq the session sent ended.</summary>
public abstract record IqOutcome;

/// <summary>The server answered <c>type="result"</c>.</summary>
public sealed record IqAnswered(Node Result) : IqOutcome;

/// <summary>The server answered <c>type="error"</c> with this code.</summary>
public sealed record IqRefused(IqErrorCode Error) : IqOutcome;

/// <summary>No answer: the connection ended first, or the iq's time ran out.</summary>
public sealed record IqUnanswered(string Why) : IqOutcome;

/// <summary>
/// The iqs a session is waiting on, by id. Not thread-safe: the session actor owns it and every continuation runs
/// inside the actor (on the answer's <c>NodeReceived</c>, on the connection's loss, or on the sweep timer). Ids are
/// <c>{prefix}-{counter}</c>, unique per session life (the prefix is random per actor instance).
/// </summary>
internal sealed class PendingIqs(string prefix, TimeSpan timeout)
{
    private readonly Dictionary<string, (Action<IqOutcome> Continue, DateTimeOffset Deadline)> _pending = [];
    private long _counter;

    public int Count => _pending.Count;

    /// <summary>Registers <paramref name="then"/> and returns the iq <paramref name="build"/> makes with a fresh id, to send.</summary>
    public Node Register(Func<string, Node> build, DateTimeOffset now, Action<IqOutcome> then)
    {
        var id = prefix + "-" + (++_counter).ToString(CultureInfo.InvariantCulture);
        _pending[id] = (then, now + timeout);
        return build(id);
    }

    /// <summary>Runs the continuation of the iq <paramref name="node"/> answers; false when it answers nothing pending.</summary>
    public bool TryComplete(Node node)
    {
        if (node.Tag != "iq" || node.GetOptionalString("type") is not ("result" or "error")
            || node.GetOptionalString("id") is not { } id || !_pending.Remove(id, out var entry))
        {
            return false;
        }

        entry.Continue(IqErrorCode.TryRead(node, out var error) ? new IqRefused(error) : new IqAnswered(node));
        return true;
    }

    /// <summary>Ends every iq waiting past its deadline as unanswered.</summary>
    public void Expire(DateTimeOffset now)
    {
        foreach (var (id, entry) in _pending.Where(p => p.Value.Deadline <= now).ToList())
        {
            _pending.Remove(id);
            entry.Continue(new IqUnanswered("no answer in " + timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"));
        }
    }

    /// <summary>Ends every waiting iq as unanswered (the connection is gone: no answer can come).</summary>
    public void FailAll(string why)
    {
        var waiting = _pending.Values.ToList();
        _pending.Clear();
        foreach (var (then, _) in waiting)
        {
            then(new IqUnanswered(why));
        }
    }
}
