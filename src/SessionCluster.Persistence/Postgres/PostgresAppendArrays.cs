using Npgsql;
using NpgsqlTypes;
using SessionCluster.Persistence.Store;
using SessionCluster.Persistence.Schema;

namespace SessionCluster.Persistence.Postgres;

/// <summary>
/// The append statement's array parameters ($1–$13 of <see cref="PostgresAppendWriter"/>'s statement), reused
/// from batch to batch: one entry per write in the first four, one per event in the other nine.
/// </summary>
internal sealed class PostgresAppendArrays
{
    private readonly List<string> _ids = [], _writers = [], _manifests = [], _eventManifests = [], _tags = [];
    private readonly List<long> _lowest = [], _highest = [], _groups = [], _sequenceNrs = [];
    private readonly List<byte[]> _payloads = [];
    private readonly List<int> _serializers = [], _checksums = [];
    private readonly List<long> _created = [];

    public void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _ids });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _writers });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _lowest });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _highest });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _groups });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _sequenceNrs });
        parameters.Add(new NpgsqlParameter<List<int>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = _serializers });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _manifests });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _eventManifests });
        parameters.Add(new NpgsqlParameter<List<byte[]>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = _payloads });
        parameters.Add(new NpgsqlParameter<List<int>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = _checksums });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _tags });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _created });
    }

    public void Fill(List<PostgresAppendRequest> requests)
    {
        _ids.Clear(); _writers.Clear(); _lowest.Clear(); _highest.Clear();
        _groups.Clear(); _sequenceNrs.Clear(); _serializers.Clear(); _manifests.Clear(); _eventManifests.Clear();
        _payloads.Clear(); _checksums.Clear(); _tags.Clear(); _created.Clear();
        for (var g = 0; g < requests.Count; g++)
        {
            var write = requests[g].Write;
            _ids.Add(write.PersistenceId);
            _writers.Add(write.WriterId);
            _lowest.Add(write.LowestSequenceNr);
            _highest.Add(write.HighestSequenceNr);
            foreach (var e in write.Events)
            {
                _groups.Add(g + 1);
                _sequenceNrs.Add(e.SequenceNr);
                _serializers.Add(e.SerializerId);
                _manifests.Add(e.Manifest);
                _eventManifests.Add(e.EventManifest);
                _payloads.Add(PayloadArrays.AsArray(e.Payload));
                _checksums.Add(PayloadChecksum.Compute(e.Manifest, e.Payload.Span));
                _tags.Add(e.Tags);
                _created.Add(e.Timestamp.UtcTicks);
            }
        }
    }
}
