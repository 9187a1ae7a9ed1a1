package io.laminar.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.SourceFactory;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The isolation rules of {@link PluginClassLoader}, over the guava-old test plugin's jars. */
class PluginClassLoaderTest {
  private PluginClassLoader loader;

  @BeforeEach
  void open() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (Path p : LaminarPluginManager.classPath(TestPlugins.dir().resolve("guava-old"))) {
      urls.add(p.toUri().toURL());
    }
    loader = new PluginClassLoader("guava-old", urls, SourceFactory.class.getClassLoader());
  }

  @AfterEach
  void close() throws Exception {
    loader.close();
  }

  @Test
  void jdkClassesComeFromThePlatform() throws Exception {
    assertSame(String.class, loader.loadClass("java.lang.String"));
    assertSame(java.sql.Connection.class, loader.loadClass("java.sql.Connection"));
  }

  @Test
  void everyClassOfThePlatformLoaderComesFromItWhateverItsPackage() throws Exception {
    // JDK packages outside java./javax./jdk./sun./com.sun.: Kafka SASL needs org.ietf.jgss
    for (String name : List.of("org.ietf.jgss.GSSException", "org.w3c.dom.Document", "org.xml.sax.SAXException")) {
      Class<?> platform = ClassLoader.getPlatformClassLoader().loadClass(name);
      assertSame(platform, loader.loadClass(name), name);
    }
  }

  @Test
  void sharedPackagesComeFromTheHost() throws Exception {
    assertSame(SourceFactory.class, loader.loadClass("io.laminar.api.SourceFactory"));
    assertSame(VectorSchemaRoot.class, loader.loadClass(VectorSchemaRoot.class.getName()));
    assertSame(org.slf4j.Logger.class, loader.loadClass("org.slf4j.Logger"));
    assertSame(org.pf4j.Extension.class, loader.loadClass("org.pf4j.Extension"));
  }

  @Test
  void thePluginsOwnLibrariesComeFromItsJars() throws Exception {
    Class<?> objects = loader.loadClass("com.google.common.base.Objects");
    assertSame(loader, objects.getClassLoader());
  }

  @Test
  void applicationClassesAreInvisibleEvenWhenTheHostHasThem() throws Exception {
    Class.forName("com.fasterxml.jackson.databind.ObjectMapper"); // the host has it
    assertThrows(ClassNotFoundException.class, () -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"));
    assertThrows(ClassNotFoundException.class, () -> loader.loadClass(PluginClassLoaderTest.class.getName()));
  }

  @Test
  void applicationResourcesAreInvisible() throws Exception {
    assertNotNull(getClass().getClassLoader().getResource("simplelogger.properties"));
    assertNull(loader.getResource("simplelogger.properties"));
  }

  @Test
  void serviceFilesComeOnlyFromThePlugin() throws Exception {
    String slf4jProviders = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";
    assertTrue(getClass().getClassLoader().getResources(slf4jProviders).hasMoreElements());
    assertFalse(loader.getResources(slf4jProviders).hasMoreElements());
  }

  @Test
  void sharedPackageResourcesComeFromTheHost() throws Exception {
    URL hostCopy = SourceFactory.class.getClassLoader().getResource("io/laminar/api/laminar-api.properties");
    assertEquals(hostCopy, loader.getResource("io/laminar/api/laminar-api.properties"));
    assertEquals(List.of(hostCopy),
        Collections.list(loader.getResources("io/laminar/api/laminar-api.properties")));
  }

  @Test
  void thePluginsOwnResourcesAreFound() {
    assertNotNull(loader.getResource("com/google/common/base/Objects.class"));
  }

  @Test
  void theLoaderIsParallelCapable() {
    assertTrue(loader.isRegisteredAsParallelCapable());
  }
}
