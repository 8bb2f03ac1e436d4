using Akka.Actor;
using Akka.Persistence;
using Google.Protobuf;

namespace SessionCluster.Persistence.Tests.Plugin;

/// <summary>Persists whatever protobuf message it is given and keeps every event it recovered or persisted, in order.</summary>
public sealed class NotesActor : ReceivePersistentActor
{
    private readonly List<IMessage> _notes = [];

    public NotesActor(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<IMessage>(_notes.Add);
        Command<IMessage>(note => Persist(note, persisted =>
        {
            _notes.Add(persisted);
            Sender.Tell(_notes.Count);
        }));
        Command<GetNotes>(_ => Sender.Tell(_notes.ToArray()));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new NotesActor(persistenceId));

    public sealed record GetNotes;
}
