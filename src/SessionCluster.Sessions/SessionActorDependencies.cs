using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions;

/// <summary>
/// What every SessionActor is given by the node: the secrets box (no box, no sessions: there is no plaintext
/// fallback), the random source for keys, the clock, and the loggers.
/// </summary>
public sealed record SessionActorDependencies(SecretBox Secrets, RandomNumberGenerator Random, TimeProvider Clock, ILoggerFactory Loggers);
