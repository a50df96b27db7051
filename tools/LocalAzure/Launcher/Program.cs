Console.WriteLine("localazure");
