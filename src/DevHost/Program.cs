Console.WriteLine("devhost");
