package io.opsrouter.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.Channels;
import org.junit.jupiter.api.Test;

/**
 * The package rules, checked on every build (mvn verify runs this with the unit tests): no cycle between our
 * packages, the store depends on nothing of ours, and channel classes are reached only through {@link Channel},
 * made only by the registry {@link Channels}.
 */
class ArchitectureTest {
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.opsrouter");

    @Test
    void ourPackagesAreFreeOfCycles() {
        slices().matching("io.opsrouter.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theStoreDependsOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("io.opsrouter.store..")
                .should()
                .dependOnClassesThat(
                        resideInAPackage("io.opsrouter..").and(resideOutsideOfPackage("io.opsrouter.store..")))
                .check(MAIN);
    }

    @Test
    void channelClassesAreUsedOnlyThroughTheirInterfaceAndMadeOnlyByTheRegistry() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Channels.class.getName())
                .and()
                .resideOutsideOfPackage("io.opsrouter.notify.channel..")
                .should()
                .dependOnClassesThat()
                .implement(Channel.class)
                .because(
                        "a channel is one class and one line in ChannelName; everything else knows it by its name and the Channel interface")
                .check(MAIN);
    }

    @Test
    void theAlertSideAndTheDeliverySideMeetOnlyInTheOutbox() {
        noClasses()
                .that()
                .resideInAPackage("io.opsrouter.alert..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.opsrouter.notify..")
                .check(MAIN);
        noClasses()
                .that()
                .resideInAPackage("io.opsrouter.notify..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.opsrouter.alert..")
                .check(MAIN);
    }
}
