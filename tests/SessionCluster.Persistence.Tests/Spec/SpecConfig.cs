using Akka.Configuration;

namespace SessionCluster.Persistence.Tests.Spec;

/// <summary>The settings every suite runs with, whatever the provider.</summary>
public static class SpecConfig
{
    /// <summary>
    /// The suites' own serializer binding (<see cref="SpecSerializer"/>), and a longer default expectation than
    /// TestKit's 3 s: the first write of a test creates the SQL tables, on two cores shared with other builds.
    /// Every other payload is a string, which Akka's default serializers handle.
    /// </summary>
    public static Config Suite { get; } = ConfigurationFactory.ParseString($$"""
        akka.loglevel = INFO
        akka.test.single-expect-default = 10s
        akka.actor {
          serializers.persistence-spec = "{{typeof(SpecSerializer).FullName}}, {{typeof(SpecSerializer).Assembly.GetName().Name}}"
          serialization-bindings {
            "{{typeof(SpecPayload).FullName}}, {{typeof(SpecPayload).Assembly.GetName().Name}}" = persistence-spec
            "{{typeof(Unwritable).FullName}}, {{typeof(Unwritable).Assembly.GetName().Name}}" = persistence-spec
          }
        }
        """);
}
