package basin.experiments.study;

import java.util.List;

/** The studies {@code basin study} runs, in the order of {@code shared/studies.md}. */
public final class Studies {
    private Studies() {
    }

    public static List<Study> all() {
        return List.of(new TwoMinimaStudy(), new CnnVsResnetStudy(), new NoiseRegimesStudy(), new MlpVsCnnStudy(), new FilterNormStudy());
    }

    /** The study called {@code name}, or an error listing the names there are. */
    public static Study named(String name) {
        for (Study s : all()) if (s.name().equals(name)) return s;
        StringBuilder names = new StringBuilder();
        for (Study s : all()) names.append(names.length() == 0 ? "" : ", ").append(s.name());
        throw new StudyException("no study '" + name + "': the studies are " + names + " (basin study list)");
    }
}
