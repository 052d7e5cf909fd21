// The namespaces nearly every file of the runtime reads, imported once here rather than at the top of each file.
global using System;
global using System.Collections.Generic;
global using System.Linq;
global using TorchSharp;
global using TorchSharp.Modules;
global using static TorchSharp.torch;
