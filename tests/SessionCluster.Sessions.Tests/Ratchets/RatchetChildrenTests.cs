using Akka.Actor;
using Akka.TestKit.Xunit2;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Ratchets;

namespace SessionCluster.Sessions.Tests.Ratchets;

/// <summary>
/// The live-ratchet cap: the least recently used idle ratchet actors stop past it, never one with a request pending,
/// and never the one a request just started (a send to more devices than the cap must still reach every device).
/// </summary>
public sealed class RatchetChildrenTests : TestKit
{
    [Fact]
    public void Past_the_cap_with_every_actor_busy_the_newest_is_kept_and_gets_its_request()
    {
        var probes = new Dictionary<string, Akka.TestKit.TestProbe>();
        var children = new RatchetChildren("r", (device, name) =>
        {
            var probe = CreateTestProbe(name);
            probes[device.ToString()] = probe;
            Watch(probe.Ref);
            return probe.Ref;
        }, cap: 2);
        var devices = Enumerable.Range(1, 4).Select(i => Jid.Parse($"1555000000{i}@s.whatsapp.net")).ToList();

        var refs = devices.Take(3).Select(children.Request).ToList();

        Assert.Equal(3, children.Live);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(probes[devices[2].ToString()].Ref, refs[2]);

        // Once the first two are answered, the next start trims to the cap: the idle ones stop, the busy ones stay.
        children.Answered(devices[0]);
        children.Answered(devices[1]);
        children.Request(devices[3]);

        var stopped = new[] { ExpectTerminated(probes[devices[0].ToString()].Ref).ActorRef, ExpectTerminated(probes[devices[1].ToString()].Ref).ActorRef };
        Assert.Equal(2, stopped.Distinct().Count());
        Assert.Equal(2, children.Live);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
