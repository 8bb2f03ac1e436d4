using Npgsql;
using NpgsqlTypes;
using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Schema;

namespace SessionCluster.Storage.Postgres;

/// <summary>
/// The append statement's array parameters ($1–$10 of <see cref="PostgresAppendWriter"/>'s statement), reused
/// from batch to batch: one entry per write in the first four, one per event in the other six.
/// </summary>
internal sealed class PostgresAppendArrays
{
    private readonly List<string> _ids = [], _writers = [], _manifests = [];
    private readonly List<long> _lowest = [], _highest = [], _groups = [], _sequenceNrs = [];
    private readonly List<byte[]> _payloads = [];
    private readonly List<int> _checksums = [];
    private readonly List<DateTime> _created = [];

    public void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _ids });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _writers });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _lowest });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _highest });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _groups });
        parameters.Add(new NpgsqlParameter<List<long>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = _sequenceNrs });
        parameters.Add(new NpgsqlParameter<List<string>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = _manifests });
        parameters.Add(new NpgsqlParameter<List<byte[]>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = _payloads });
        parameters.Add(new NpgsqlParameter<List<int>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = _checksums });
        parameters.Add(new NpgsqlParameter<List<DateTime>> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = _created });
    }

    public void Fill(List<PostgresAppendRequest> requests)
    {
        _ids.Clear(); _writers.Clear(); _lowest.Clear(); _highest.Clear();
        _groups.Clear(); _sequenceNrs.Clear(); _manifests.Clear(); _payloads.Clear(); _checksums.Clear(); _created.Clear();
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
                _manifests.Add(e.Manifest);
                _payloads.Add(PayloadArrays.AsArray(e.Payload));
                _checksums.Add(PayloadChecksum.Compute(e.Manifest, e.Payload.Span));
                _created.Add(e.Timestamp.UtcDateTime);
            }
        }
    }
}
