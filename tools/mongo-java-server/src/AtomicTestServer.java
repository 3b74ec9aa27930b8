import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** Serves the MongoDB wire protocol on 127.0.0.1:PORT (the first argument) until it is killed. */
public class AtomicTestServer {
  public static void main(String[] args) throws Exception {
    // MONGO_5_0: the default wire version is older than the Node driver accepts.
    MongoServer server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    server.bind("127.0.0.1", Integer.parseInt(args[0]));
    Thread.currentThread().join();
  }
}
