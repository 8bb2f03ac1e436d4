using System.Collections;
using System.Reflection;
using Google.Protobuf;

namespace SessionCluster.Edge.Tests.Cluster;

/// <summary>
/// Compares what was sent with what arrived member by member (records compare lists by reference, so their own
/// Equals would fail every round trip of a list): the same runtime types, equal scalars, equal sequences, protobuf
/// messages by their value equality, exceptions by type, message and their own members. Returns the first difference.
/// </summary>
internal static class DeepEquality
{
    public static string? Difference(object? sent, object? received, string path = "")
    {
        if (sent is null || received is null)
        {
            return sent is null && received is null ? null : $"{path}: {Show(sent)} became {Show(received)}";
        }

        if (sent.GetType() != received.GetType())
        {
            return $"{path}: {sent.GetType()} became {received.GetType()}";
        }

        switch (sent)
        {
            case string or IMessage or ByteString or Enum or DateTimeOffset or DateTime or TimeSpan or Guid or decimal:
            case var _ when sent.GetType().IsPrimitive:
                return sent.Equals(received) ? null : $"{path}: {Show(sent)} became {Show(received)}";
            case ReadOnlyMemory<byte> memory:
                return memory.Span.SequenceEqual(((ReadOnlyMemory<byte>)received).Span) ? null : $"{path}: bytes differ";
            case Memory<byte> memory:
                return memory.Span.SequenceEqual(((Memory<byte>)received).Span) ? null : $"{path}: bytes differ";
            case Exception exception:
                return ExceptionDifference(exception, (Exception)received, path);
            case IEnumerable sequence:
                var left = sequence.Cast<object?>().ToList();
                var right = ((IEnumerable)received).Cast<object?>().ToList();
                if (left.Count != right.Count)
                {
                    return $"{path}: {left.Count} elements became {right.Count}";
                }

                return left.Zip(right, (l, r) => (l, r)).Select((pair, i) => Difference(pair.l, pair.r, $"{path}[{i}]")).FirstOrDefault(d => d is not null);
        }

        foreach (var property in sent.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            if (Difference(property.GetValue(sent), property.GetValue(received), $"{path}.{property.Name}") is { } difference)
            {
                return difference;
            }
        }

        return null;
    }

    private static string? ExceptionDifference(Exception sent, Exception received, string path)
    {
        if (sent.Message != received.Message)
        {
            return $"{path}.Message: '{sent.Message}' became '{received.Message}'";
        }

        // Members the exception's own types add (the failure code), not Exception's (stack trace, target site).
        var own = sent.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType is { } declaring && declaring != typeof(Exception) && declaring.Assembly != typeof(Exception).Assembly);
        foreach (var property in own)
        {
            if (Difference(property.GetValue(sent), property.GetValue(received), $"{path}.{property.Name}") is { } difference)
            {
                return difference;
            }
        }

        return Difference(sent.InnerException, received.InnerException, $"{path}.InnerException");
    }

    private static string Show(object? value) => value is null ? "null" : $"'{value}'";
}
