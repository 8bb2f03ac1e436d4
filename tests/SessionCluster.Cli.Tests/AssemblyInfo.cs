// Nodes share Serilog's static logger (Akka.Logger.Serilog writes through it) and two cores: one node at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
