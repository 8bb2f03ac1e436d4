using System.Threading.Channels;

namespace SessionCluster.Actors.TestKit;

/// <summary>The actor behind <see cref="TestProbe{T}.Ref"/>: hands every message to the probe's queue.</summary>
internal sealed class ProbeActor<T>(ChannelWriter<T> received) : Actor<T> where T : class
{
    protected internal override ValueTask ReceiveAsync(T message)
    {
        received.TryWrite(message); // unbounded channel: always succeeds
        return default;
    }
}

/// <summary>Watches actors for a probe and hands their <see cref="Terminated"/> to the probe's side channel, so that
/// a probe whose message type does not include Terminated can still observe deaths.</summary>
internal sealed class ProbeWatcher(ChannelWriter<Terminated> terminations) : Actor<ProbeWatcher.Command>
{
    public sealed record Command(IActorRef Target, bool Watch, TaskCompletionSource Done);

    protected internal override ValueTask ReceiveAsync(Command message)
    {
        if (message.Watch) Context.Watch(message.Target);
        else Context.Unwatch(message.Target);
        message.Done.TrySetResult();
        return default;
    }

    protected internal override ValueTask OnTerminatedAsync(Terminated terminated)
    {
        terminations.TryWrite(terminated);
        return default;
    }
}
