using System.Collections;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SessionCluster.Edge.Tests.Cluster;

/// <summary>
/// Builds one instance of a message type by reflection: its widest public constructor, every parameter and settable
/// property filled with a non-default value (strings valid as session ids, one element per list, one concrete
/// subtype for an abstract one), so a serializer that drops or mangles any member shows up as an unequal round trip.
/// </summary>
internal sealed class MessageSamples(params Assembly[] assemblies)
{
    private const int MaxDepth = 8;
    private static readonly DateTimeOffset At = new(2026, 5, 4, 3, 2, 1, 789, TimeSpan.Zero);
    private int _counter;

    public object Make(Type type) => Make(type, 0) ?? throw new InvalidOperationException($"No sample for {type}.");

    private object? Make(Type type, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Make(inner, depth);
        }

        var n = ++_counter;
        if (type == typeof(string)) return $"s{n}";
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 1000 + n;
        if (type == typeof(uint)) return (uint)(1000 + n);
        if (type == typeof(long)) return 100_000L + n;
        if (type == typeof(ulong)) return 100_000UL + (ulong)n;
        if (type == typeof(short)) return (short)n;
        if (type == typeof(ushort)) return (ushort)n;
        if (type == typeof(byte)) return (byte)n;
        if (type == typeof(double)) return n + 0.5;
        if (type == typeof(float)) return n + 0.25f;
        if (type == typeof(decimal)) return n + 0.125m;
        if (type == typeof(Guid)) return Guid.CreateVersion7(At.AddSeconds(n));
        if (type == typeof(DateTimeOffset)) return At.AddMinutes(n);
        if (type == typeof(DateTime)) return At.UtcDateTime.AddMinutes(n);
        if (type == typeof(TimeSpan)) return TimeSpan.FromMilliseconds(1500 + n);
        if (type == typeof(byte[])) return new byte[] { 1, 2, (byte)n };
        if (type == typeof(ReadOnlyMemory<byte>)) return new ReadOnlyMemory<byte>([3, 4, (byte)n]);
        if (type == typeof(Memory<byte>)) return new Memory<byte>([5, 6, (byte)n]);
        if (type == typeof(ByteString)) return ByteString.CopyFrom(7, 8, (byte)n);
        if (type == typeof(Exception)) return new InvalidOperationException($"inner {n}");
        if (type == typeof(SessionCluster.Sessions.SessionId)) return new SessionCluster.Sessions.SessionId($"session-{n}");
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(values.Length - 1);
        }

        if (typeof(IMessage).IsAssignableFrom(type) && !type.IsAbstract)
        {
            return Protobuf(type);
        }

        if (depth > MaxDepth)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Make(type.GetElementType()!, depth + 1), 0);
            return array;
        }

        if (type.IsGenericType && Collection(type, depth) is { } collection)
        {
            return collection;
        }

        if (type.IsAbstract || type.IsInterface)
        {
            var concrete = assemblies.SelectMany(a => a.GetTypes())
                .Where(t => !t.IsAbstract && !t.IsInterface && type.IsAssignableFrom(t) && !t.ContainsGenericParameters && t.IsPublic | t.IsNestedPublic)
                .OrderBy(t => t.FullName, StringComparer.Ordinal)
                .FirstOrDefault() ?? throw new InvalidOperationException($"No concrete public type for {type}.");
            return Make(concrete, depth + 1);
        }

        return Construct(type, depth);
    }

    private object Construct(Type type, int depth)
    {
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => !c.GetParameters().Any(p => p.ParameterType == type))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        object instance;
        if (constructor is null)
        {
            instance = type.IsValueType ? Activator.CreateInstance(type)! : throw new InvalidOperationException($"{type} has no public constructor.");
        }
        else
        {
            instance = constructor.Invoke([.. constructor.GetParameters().Select(p => Make(p.ParameterType, depth + 1))]);
        }

        // init-only and settable properties the constructor left at their default (SessionOptions.Proxy).
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0 && IsDefault(property.GetValue(instance)))
            {
                property.SetValue(instance, Make(property.PropertyType, depth + 1));
            }
        }

        return instance;
    }

    private static bool IsDefault(object? value) =>
        value is null || (value.GetType().IsValueType && value.Equals(Activator.CreateInstance(value.GetType())));

    private object? Collection(Type type, int depth)
    {
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        if (args.Length == 1 && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)
            || definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(List<>)))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args[0]))!;
            list.Add(Make(args[0], depth + 1));
            return list;
        }

        if (args.Length == 1 && (definition == typeof(IReadOnlySet<>) || definition == typeof(ISet<>) || definition == typeof(HashSet<>)))
        {
            var set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(args[0]))!;
            set.GetType().GetMethod("Add")!.Invoke(set, [Make(args[0], depth + 1)]);
            return set;
        }

        if (args.Length == 2 && (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>)))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
            dictionary.Add(Make(args[0], depth + 1)!, Make(args[1], depth + 1));
            return dictionary;
        }

        return null;
    }

    /// <summary>A protobuf message with its scalar string, number and bool fields set (nested messages left empty).</summary>
    private object Protobuf(Type type)
    {
        var message = (IMessage)Activator.CreateInstance(type)!;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder().Where(f => !f.IsRepeated && !f.IsMap && f.RealContainingOneof is null))
        {
            object? value = field.FieldType switch
            {
                FieldType.String => $"p{++_counter}",
                FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ++_counter,
                FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)++_counter,
                FieldType.UInt32 or FieldType.Fixed32 => (uint)++_counter,
                FieldType.UInt64 or FieldType.Fixed64 => (ulong)++_counter,
                FieldType.Bool => true,
                FieldType.Bytes => ByteString.CopyFrom(9, 9),
                _ => null,
            };
            if (value is not null)
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message;
    }
}
