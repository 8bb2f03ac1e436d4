return await SessionCluster.Cli.Scctl.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
