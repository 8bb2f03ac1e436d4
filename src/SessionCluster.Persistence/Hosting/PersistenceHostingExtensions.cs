using Akka.Hosting;
using SessionCluster.Persistence.Serialization;

namespace SessionCluster.Persistence.Hosting;

/// <summary>Akka.Hosting composition for SessionCluster's persistence plugins.</summary>
public static class PersistenceHostingExtensions
{
    /// <summary>
    /// Makes our SQLite journal and snapshot store on <paramref name="path"/> the defaults, and binds protobuf messages
    /// to <see cref="ProtobufSerializer"/> reading <paramref name="messageTypes"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithSessionClusterSqlitePersistence(
        this AkkaConfigurationBuilder builder, string path, ProtobufMessageTypes? messageTypes = null) =>
        builder.WithSessionClusterPersistence(SessionClusterPersistence.Sqlite(path), messageTypes);

    /// <summary>As <see cref="WithSessionClusterSqlitePersistence"/>, on PostgreSQL at <paramref name="connectionString"/>.</summary>
    public static AkkaConfigurationBuilder WithSessionClusterPostgresPersistence(
        this AkkaConfigurationBuilder builder, string connectionString, ProtobufMessageTypes? messageTypes = null) =>
        builder.WithSessionClusterPersistence(SessionClusterPersistence.Postgres(connectionString), messageTypes);

    private static AkkaConfigurationBuilder WithSessionClusterPersistence(
        this AkkaConfigurationBuilder builder, Akka.Configuration.Config settings, ProtobufMessageTypes? messageTypes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHocon(settings, HoconAddMode.Prepend);
        if (messageTypes is not null)
        {
            builder.WithCustomSerializer(
                "sc-protobuf", [typeof(Google.Protobuf.IMessage)], system => new ProtobufSerializer(system, messageTypes));
        }

        return builder;
    }
}
