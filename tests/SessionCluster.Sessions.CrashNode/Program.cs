// A SessionCluster node in a process of its own, for the crash tests (tests/SessionCluster.Interop.Tests/Sessions/
// SessionCrashTests.cs), which kill it with SIGKILL mid-burst and start it again on the same files.
//
// usage: CrashNode <sqlite file> <node key, base64> <session id> <simulator ws url> <simulator root public key, base64>
//
// It starts an ActorSystem on the SQLite journal and one SessionActor for the session (the node key seals its secrets,
// so a restart must be given the same key), then reads commands on stdin, one a line:
//   create                      -> "created" (or "exists")
//   link-qr                     -> "link-started"; the QR then shows as a "qr" line (below)
//   send <to> <count> <prefix>  -> Send.Text(to, "<prefix> 0000"), "<prefix> 0001"... one after another, each printing
//                                  "accepted <n> <message id>" only after its SendAccepted (durable), then "accepted-all <count>"
//   quit                        -> "bye", the ActorSystem stops, exit 0
// and writes, from a live read of the session's own journal (so each line is about something already durable):
//   "recovered <journal sequence nr>" once at start (what the journal held before; nothing older is printed),
//   "status <SessionStatus>", "qr <qr string>", "received <message id>", "settled <message id> <Sent|Failed>".
// Any other outcome of a command is "error <command> <reply>". Log lines (warnings and up) go to stderr.
using System.Globalization;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Sessions;
using SessionCluster.Sessions.CrashNode;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: CrashNode <sqlite file> <node key, base64> <session id> <simulator ws url> <root public key, base64>");
    return 2;
}

var key = SecretKey.FromBase64(args[1], "the command line");
var sessionId = new SessionId(args[2]);
var server = new SessionServerSettings(new Uri(args[3]))
{
    RootPublicKey = Convert.FromBase64String(args[4]),
    ConnectTimeout = TimeSpan.FromSeconds(10),
};
var config = ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.actor.serialization-settings.sc-protobuf.assemblies = ["SessionCluster.Sessions"]
    """).WithFallback(SessionClusterPersistence.Sqlite(args[0]));

var output = new NodeOutput(Console.Out);
using var loggers = LoggerFactory.Create(b => b.AddProvider(new StderrLoggerProvider(LogLevel.Warning)));
using var system = ActorSystem.Create("crash-node", config);
var dependencies = new SessionActorDependencies(new SecretBox(key, RandomNumberGenerator.Create()), RandomNumberGenerator.Create(), TimeProvider.System, loggers)
{
    Server = server,
};
var timeout = TimeSpan.FromSeconds(30);

// What the journal held before this start; the live read prints only what comes after.
var journal = PersistenceQuery.Get(system).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
var before = await journal.CurrentEventsByPersistenceId(sessionId.PersistenceId, 0, long.MaxValue)
    .RunWith(Sink.Aggregate<EventEnvelope, long>(0, (_, e) => e.SequenceNr), system.Materializer());
output.Line($"recovered {before}");
var watching = journal.EventsByPersistenceId(sessionId.PersistenceId, before + 1, long.MaxValue)
    .Select(e => e.Event)
    .RunForeach(e => { if (e is SessionEventRecord record) { output.Event(SessionEvent.FromRecord(sessionId, record).Body); } }, system.Materializer());
_ = watching.ContinueWith(t => output.Line("error watcher " + (t.Exception?.GetBaseException().Message ?? "ended")), TaskScheduler.Default);

var session = system.ActorOf(SessionActor.Props(sessionId, dependencies), "session");
var sends = new List<Task>();
while (Console.In.ReadLine() is { } line)
{
    var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    switch (words)
    {
        case ["create"]:
            var created = await session.Ask<Reply>(new Create(sessionId, new SessionOptions("SessionCluster", "Chrome", onlineOnConnect: true)), timeout);
            output.Line(created switch { Created => "created", AlreadyExists => "exists", _ => "error create " + created });
            break;
        case ["link-qr"]:
            var started = await session.Ask<Reply>(new LinkByQr(sessionId), timeout);
            output.Line(started is LinkStarted ? "link-started" : "error link-qr " + started);
            break;
        case ["send", var to, var countText, var prefix] when int.TryParse(countText, CultureInfo.InvariantCulture, out var count):
            sends.Add(Task.Run(() => SendAsync(to, count, prefix)));
            break;
        case ["quit"]:
            output.Line("bye");
            await system.Terminate();
            return 0;
        default:
            output.Line("error unknown command " + line);
            break;
    }
}

// stdin closed without quit: the test went away.
await system.Terminate();
return 1;

async Task SendAsync(string to, int count, string prefix)
{
    for (var i = 0; i < count; i++)
    {
        var reply = await session.Ask<Reply>(Send.Text(sessionId, to, $"{prefix} {i.ToString("D4", CultureInfo.InvariantCulture)}"), timeout);
        if (reply is not SendAccepted accepted)
        {
            output.Line($"error send {i} {reply}");
            return;
        }

        output.Line($"accepted {i} {accepted.MessageId}");
    }

    output.Line($"accepted-all {count}");
}
