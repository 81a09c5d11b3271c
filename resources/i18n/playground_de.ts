<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ActivationDashboard</name>
    <message>
        <source>history of</source>
        <translation>Verlauf von</translation>
    </message>
    <message>
        <source>Which layer&apos;s activation histogram to show over time.</source>
        <translation>Welche Schicht ihr Aktivierungshistogramm über die Zeit zeigt.</translation>
    </message>
    <message>
        <source>histogram over time (brighter: more samples)</source>
        <translation>Histogramm über Zeit (hell: viele Beispiele)</translation>
    </message>
    <message>
        <source>snapshot</source>
        <translation>Aufnahme</translation>
    </message>
    <message>
        <source>bin</source>
        <translation>Intervall</translation>
    </message>
</context>
<context>
    <name>BatchNormDashboard</name>
    <message>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>The batch-norm layer whose statistics are shown.</source>
        <translation>Die Batch-Norm-Schicht, deren Statistiken gezeigt werden.</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Fully connected: y = x @ kernel + bias.</source>
        <translation>Vollständig verbunden: y = x @ kernel + bias.</translation>
    </message>
    <message>
        <source>Normalises each unit over the batch; learns gamma and beta.</source>
        <translation>Normiert jedes Neuron über den Batch; lernt gamma und beta.</translation>
    </message>
    <message>
        <source>Normalises each sample over its features.</source>
        <translation>Normiert jedes Beispiel über seine Merkmale.</translation>
    </message>
    <message>
        <source>Zeroes a fraction of units while training (inverted scaling).</source>
        <translation>Setzt im Training einen Anteil der Neuronen auf null (invertierte Skalierung).</translation>
    </message>
    <message>
        <source>Dropout that keeps SELU&apos;s mean and variance.</source>
        <translation>Dropout, der Mittelwert und Varianz von SELU erhält.</translation>
    </message>
    <message>
        <source>Adds N(0, stddev) noise while training.</source>
        <translation>Addiert im Training Rauschen N(0, stddev).</translation>
    </message>
    <message>
        <source>Identity: passes values through unchanged.</source>
        <translation>Identität: gibt die Werte unverändert weiter.</translation>
    </message>
    <message>
        <source>max(0, x): fast, may die when always negative.</source>
        <translation>max(0, x): schnell, kann sterben, wenn stets negativ.</translation>
    </message>
    <message>
        <source>x, or alpha*x below zero: never quite dead.</source>
        <translation>x, unter null alpha*x: nie ganz tot.</translation>
    </message>
    <message>
        <source>Leaky ReLU whose slope alpha is learned per unit.</source>
        <translation>Leaky ReLU, dessen Steigung alpha je Neuron gelernt wird.</translation>
    </message>
    <message>
        <source>Random leaky slope in training, the mean at inference.</source>
        <translation>Zufällige Steigung im Training, ihr Mittelwert bei der Inferenz.</translation>
    </message>
    <message>
        <source>Smooth exponential below zero, mean closer to 0.</source>
        <translation>Glatt exponentiell unter null, Mittelwert näher an 0.</translation>
    </message>
    <message>
        <source>Self-normalising ELU; pair with lecun_normal.</source>
        <translation>Selbstnormierende ELU; mit lecun_normal kombinieren.</translation>
    </message>
    <message>
        <source>x times the normal CDF of x (smooth ReLU).</source>
        <translation>x mal Normalverteilungsfunktion von x (glatte ReLU).</translation>
    </message>
    <message>
        <source>Squashes to (-1, 1); saturates for large |x|.</source>
        <translation>Staucht auf (-1, 1); sättigt für großes |x|.</translation>
    </message>
    <message>
        <source>Squashes to (0, 1); output for binary tasks.</source>
        <translation>Staucht auf (0, 1); Ausgabe für binäre Aufgaben.</translation>
    </message>
    <message>
        <source>log(1 + e^x): a smooth ReLU.</source>
        <translation>log(1 + e^x): eine glatte ReLU.</translation>
    </message>
    <message>
        <source>x * sigmoid(x): smooth, non-monotonic.</source>
        <translation>x * sigmoid(x): glatt, nicht monoton.</translation>
    </message>
    <message>
        <source>Class probabilities; last layer only.</source>
        <translation>Klassenwahrscheinlichkeiten; nur als letzte Schicht.</translation>
    </message>
    <message>
        <source>Number of output units (neurons) of this layer, 1 to 4096.</source>
        <translation>Anzahl der Ausgabeneuronen dieser Schicht, 1 bis 4096.</translation>
    </message>
    <message>
        <source>How the kernel&apos;s initial values are drawn.</source>
        <translation>Wie die Anfangswerte des Kernels gezogen werden.</translation>
    </message>
    <message>
        <source>How the bias starts (usually zeros).</source>
        <translation>Womit der Bias beginnt (meist Nullen).</translation>
    </message>
    <message>
        <source>Add a learned bias to every unit.</source>
        <translation>Jedem Neuron einen gelernten Bias hinzufügen.</translation>
    </message>
    <message>
        <source>L1/L2 penalty added to the loss for this layer&apos;s kernel.</source>
        <translation>L1/L2-Strafterm für den Kernel dieser Schicht, zum Loss addiert.</translation>
    </message>
    <message>
        <source>Rescale each unit&apos;s incoming weights to at most this norm.</source>
        <translation>Die eingehenden Gewichte jedes Neurons auf höchstens diese Norm skalieren.</translation>
    </message>
    <message>
        <source>Whether the optimiser updates this layer&apos;s weights.</source>
        <translation>Ob der Optimierer die Gewichte dieser Schicht ändert.</translation>
    </message>
    <message>
        <source>Weight of the old value in the moving averages (0.9 to 0.999).</source>
        <translation>Gewicht des alten Werts in den gleitenden Mittelwerten (0.9 bis 0.999).</translation>
    </message>
    <message>
        <source>Small constant added to the variance before the square root.</source>
        <translation>Kleine Konstante, die vor der Wurzel zur Varianz addiert wird.</translation>
    </message>
    <message>
        <source>Learn a shift beta after normalising.</source>
        <translation>Nach dem Normieren eine Verschiebung beta lernen.</translation>
    </message>
    <message>
        <source>Learn a scale gamma after normalising (off is fine before ReLU).</source>
        <translation>Nach dem Normieren einen Faktor gamma lernen (vor ReLU kann er aus sein).</translation>
    </message>
    <message>
        <source>Batch renormalisation: correct the batch statistics with r and d.</source>
        <translation>Batch-Renormierung: die Batch-Statistiken mit r und d korrigieren.</translation>
    </message>
    <message>
        <source>Limits rmax and dmax for renorm&apos;s corrections.</source>
        <translation>Grenzen rmax und dmax für die Korrekturen der Renormierung.</translation>
    </message>
    <message>
        <source>Momentum of the moving averages while renorm is on.</source>
        <translation>Momentum der gleitenden Mittelwerte bei eingeschalteter Renormierung.</translation>
    </message>
    <message>
        <source>Switch the layer off (identity) without losing its state.</source>
        <translation>Die Schicht abschalten (Identität), ohne ihren Zustand zu verlieren.</translation>
    </message>
    <message>
        <source>Fraction of units dropped while training, in [0, 1).</source>
        <translation>Anteil der im Training ausgelassenen Neuronen, in [0, 1).</translation>
    </message>
    <message>
        <source>Standard deviation of the added noise.</source>
        <translation>Standardabweichung des addierten Rauschens.</translation>
    </message>
    <message>
        <source>The activation function applied element-wise.</source>
        <translation>Die elementweise angewandte Aktivierungsfunktion.</translation>
    </message>
    <message>
        <source>Slope or scale parameter of the activation.</source>
        <translation>Steigungs- oder Skalenparameter der Aktivierung.</translation>
    </message>
    <message>
        <source>Lower bound of the random slope.</source>
        <translation>Untere Grenze der zufälligen Steigung.</translation>
    </message>
    <message>
        <source>Upper bound of the random slope.</source>
        <translation>Obere Grenze der zufälligen Steigung.</translation>
    </message>
    <message>
        <source>over 10,000</source>
        <extracomment>options edited with a structured editor (playground.widgets.option_editors) numbers that may be null (off, or &quot;the learning rate&quot;) rough cost of one training step with every monitor on (measured on a 2-core laptop CPU, engine of 2026-12, within about 3x from 500 to 17 million parameters): seconds per step</extracomment>
        <translation>über 10.000</translation>
    </message>
    <message>
        <source>about {0}</source>
        <translation>etwa {0}</translation>
    </message>
    <message>
        <source>{0:,} parameters · {1} steps/s expected</source>
        <translation>{0:,} Parameter · {1} Schritte/s erwartet</translation>
    </message>
    <message>
        <source>{0}: training will crawl ({1:,.0f} s for 100 steps); fewer units or layers train faster</source>
        <translation>{0}: das Training wird kriechen ({1:,.0f} s für 100 Schritte); weniger Neuronen oder Schichten trainieren schneller</translation>
    </message>
</context>
<context>
    <name>Classroom</name>
    <message>
        <source>Reset weights</source>
        <translation>Gewichte zurücksetzen</translation>
    </message>
    <message>
        <source>Reset the run? Its weights after {0} steps are lost; training starts again from the seed.</source>
        <translation>Den Lauf zurücksetzen? Seine Gewichte nach {0} Schritten gehen verloren; das Training beginnt wieder beim Seed.</translation>
    </message>
    <message>
        <source>A/B from step {0}: {1}</source>
        <translation>A/B ab Schritt {0}: {1}</translation>
    </message>
</context>
<context>
    <name>ClippingEditor</name>
    <message>
        <source>r is clipped to [1/rmax, rmax] (1: plain batch norm).</source>
        <translation>r wird auf [1/rmax, rmax] begrenzt (1: normale Batch-Norm).</translation>
    </message>
    <message>
        <source>d is clipped to [-dmax, dmax] (0: plain batch norm).</source>
        <translation>d wird auf [-dmax, dmax] begrenzt (0: normale Batch-Norm).</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Compare A/B</source>
        <translation>A/B vergleichen</translation>
    </message>
    <message>
        <source>Run A is the current design. Run B changes:</source>
        <translation>Lauf A ist das aktuelle Design. Lauf B ändert:</translation>
    </message>
    <message>
        <source>what</source>
        <translation>was</translation>
    </message>
    <message>
        <source>to</source>
        <translation>auf</translation>
    </message>
    <message>
        <source>identical copy</source>
        <translation>identische Kopie</translation>
    </message>
    <message>
        <source>batch norm enabled</source>
        <translation>Batch-Norm eingeschaltet</translation>
    </message>
    <message>
        <source>dropout enabled</source>
        <translation>Dropout eingeschaltet</translation>
    </message>
    <message>
        <source>learning rate ×</source>
        <translation>Lernrate ×</translation>
    </message>
    <message>
        <source>optimiser</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <source>hidden activation</source>
        <translation>verdeckte Aktivierung</translation>
    </message>
    <message>
        <source>kernel initialiser</source>
        <translation>Kernel-Initialisierung</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>Batchgröße</translation>
    </message>
</context>
<context>
    <name>CompareWorker</name>
    <message>
        <source>{0} cannot start from this point ({1}); every run starts from step 0</source>
        <translation>{0} kann nicht an diesem Punkt beginnen ({1}); alle Läufe beginnen bei Schritt 0</translation>
    </message>
</context>
<context>
    <name>ComparisonWindow</name>
    <message>
        <source>Comparison</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>Play ▶</source>
        <translation>Start ▶</translation>
    </message>
    <message>
        <source>Train every run, in lockstep (Space).</source>
        <translation>Alle Läufe im Gleichschritt trainieren (Leertaste).</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>One step for every run (→).</source>
        <translation>Ein Schritt für jeden Lauf (→).</translation>
    </message>
    <message>
        <source>⟲ Reset</source>
        <translation>⟲ Zurücksetzen</translation>
    </message>
    <message>
        <source>Every run back to its initial weights (R).</source>
        <translation>Alle Läufe zurück auf ihre Anfangsgewichte (R).</translation>
    </message>
    <message>
        <source>step 0</source>
        <translation>Schritt 0</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>Lektion</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>Kurven</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Training</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Pause ❚❚</source>
        <translation>Pause ❚❚</translation>
    </message>
    <message>
        <source>step {0} · {1} runs · {2:,.0f} steps/s</source>
        <translation>Schritt {0} · {1} Läufe · {2:,.0f} Schritte/s</translation>
    </message>
</context>
<context>
    <name>CompileProgress</name>
    <message>
        <source>The first start compiles the numerical engine for this processor; later starts load it from the cache in a few seconds.</source>
        <translation>Der erste Start kompiliert die Rechen-Engine für diesen Prozessor; spätere Starts laden sie in wenigen Sekunden aus dem Cache.</translation>
    </message>
    <message>
        <source>compiling the engine: {0} function compiled ({1:.0f} s)</source>
        <translation>Engine wird kompiliert: {0} Funktion fertig ({1:.0f} s)</translation>
    </message>
    <message>
        <source>compiling the engine: {0} functions compiled ({1:.0f} s)</source>
        <translation>Engine wird kompiliert: {0} Funktionen fertig ({1:.0f} s)</translation>
    </message>
    <message>
        <source>preparing the engine… ({0:.0f} s)</source>
        <translation>Engine wird vorbereitet … ({0:.0f} s)</translation>
    </message>
</context>
<context>
    <name>ConfusionDashboard</name>
    <message>
        <source>true class</source>
        <translation>wahre Klasse</translation>
    </message>
    <message>
        <source>predicted class</source>
        <translation>vorhergesagte Klasse</translation>
    </message>
</context>
<context>
    <name>ConstraintEditor</name>
    <message>
        <source>Rescale each unit&apos;s incoming weights to at most this norm after every update (unchecked: off).</source>
        <translation>Die eingehenden Gewichte jedes Neurons nach jedem Update auf höchstens diese Norm skalieren (nicht angehakt: aus).</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>What this view shows, how to read it, and which lesson shows it</source>
        <translation>Was diese Ansicht zeigt, wie man sie liest und welche Lektion sie vorführt</translation>
    </message>
</context>
<context>
    <name>DataExtrasForm</name>
    <message>
        <source>Labels and scaling</source>
        <translation>Labels und Skalierung</translation>
    </message>
    <message>
        <source>standardise</source>
        <translation>standardisieren</translation>
    </message>
    <message>
        <source>Scale each feature to mean 0, standard deviation 1 (fitted on the training part).</source>
        <translation>Jedes Merkmal auf Mittelwert 0 und Standardabweichung 1 skalieren (angepasst auf den Trainingsteil).</translation>
    </message>
    <message>
        <source>all of every class</source>
        <translation>alle Beispiele jeder Klasse</translation>
    </message>
    <message>
        <source>class fractions</source>
        <translation>Klassenanteile</translation>
    </message>
    <message>
        <source>Keep only a fraction of a class, like 1: 0.05, to make the data imbalanced (empty: every class whole).</source>
        <translation>Nur einen Anteil einer Klasse behalten, etwa 1: 0.05, um die Daten unausgewogen zu machen (leer: jede Klasse ganz).</translation>
    </message>
    <message>
        <source>label flip</source>
        <translation>Label-Vertauschung</translation>
    </message>
    <message>
        <source>Fraction of labels flipped at random (noisy labels, for overfitting lessons).</source>
        <translation>Anteil zufällig vertauschter Labels (verrauschte Labels, für Lektionen zur Überanpassung).</translation>
    </message>
    <message>
        <source>label column</source>
        <translation>Label-Spalte</translation>
    </message>
    <message>
        <source>The CSV column that holds the labels (default: the last); the other columns are the features. For data from a CSV or NPZ file.</source>
        <translation>Die CSV-Spalte mit den Labels (Standard: die letzte); die übrigen Spalten sind die Merkmale. Für Daten aus einer CSV- oder NPZ-Datei.</translation>
    </message>
    <message>
        <source>The first rows of the data file.</source>
        <translation>Die ersten Zeilen der Datendatei.</translation>
    </message>
    <message>
        <source>(CSV, NPZ)</source>
        <translation>(CSV, NPZ)</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <source>Noise added by the generator.</source>
        <translation>Rauschen, das der Generator addiert.</translation>
    </message>
    <message>
        <source>How many samples the generator draws.</source>
        <translation>Wie viele Beispiele der Generator zieht.</translation>
    </message>
    <message>
        <source>Generated 2-D problems (TF Playground), 1-D sine, or digits.</source>
        <translation>Erzeugte 2-D-Probleme (TF Playground), 1-D-Sinus oder Ziffern.</translation>
    </message>
    <message>
        <source>Fraction used for training; the rest validates (1: none).</source>
        <translation>Anteil fürs Training; der Rest dient der Validierung (1: keine).</translation>
    </message>
    <message>
        <source>data set</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>noise</source>
        <translation>Rauschen</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>train fraction</source>
        <translation>Trainingsanteil</translation>
    </message>
    <message>
        <source>Feed {0} to the network (TF Playground&apos;s feature crosses).</source>
        <translation>{0} ins Netz geben (die Merkmalskreuzungen des TF Playground).</translation>
    </message>
    <message>
        <source>Load CSV / NPZ…</source>
        <translation>CSV / NPZ laden …</translation>
    </message>
    <message>
        <source>Use your own data: a CSV with a label column or an NPZ.</source>
        <translation>Eigene Daten verwenden: eine CSV mit Label-Spalte oder eine NPZ.</translation>
    </message>
    <message>
        <source>training data</source>
        <translation>Trainingsdaten</translation>
    </message>
    <message>
        <source> — not for {0}: fixed data</source>
        <translation> — nicht für {0}: feste Daten</translation>
    </message>
    <message>
        <source>data from a file</source>
        <translation>Daten aus einer Datei</translation>
    </message>
    <message>
        <source>file: {0}</source>
        <translation>Datei: {0}</translation>
    </message>
    <message>
        <source>data in the design</source>
        <translation>Daten im Design</translation>
    </message>
    <message>
        <source>Load data</source>
        <translation>Daten laden</translation>
    </message>
    <message>
        <source>Data (*.csv *.npz)</source>
        <translation>Daten (*.csv *.npz)</translation>
    </message>
    <message>
        <source>training data (no 2-D view of these features)</source>
        <translation>Trainingsdaten (keine 2-D-Ansicht dieser Merkmale)</translation>
    </message>
</context>
<context>
    <name>DeadUnitsDashboard</name>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>Dead: a ReLU unit whose input is negative for every monitored sample gets no gradient and cannot recover. Leaky ReLU, PReLU, RReLU and ELU units negative everywhere still pass a gradient: shown apart, not counted as dead. Saturated: sigmoid outside [0.05, 0.95] or |tanh| &gt; 0.95 (pairs of sample and unit).</source>
        <translation>Tot: Ein ReLU-Neuron, dessen Eingabe für jedes beobachtete Beispiel negativ ist, bekommt keinen Gradienten und erholt sich nicht. Überall negative Leaky-ReLU-, PReLU-, RReLU- und ELU-Neuronen geben noch einen Gradienten weiter: getrennt gezeigt, nicht als tot gezählt. Gesättigt: sigmoid außerhalb [0.05, 0.95] oder |tanh| &gt; 0.95 (Paare aus Beispiel und Neuron).</translation>
    </message>
    <message>
        <source>Dead units (no gradient for any monitored sample), per layer, over the steps.</source>
        <translation>Tote Neuronen (kein Gradient für irgendein beobachtetes Beispiel) je Schicht über die Schritte.</translation>
    </message>
</context>
<context>
    <name>Docks</name>
    <message>
        <source>Lessons</source>
        <extracomment>lesson dashboard names -&gt; main-window dashboard class names</extracomment>
        <translation>Lektionen</translation>
    </message>
    <message>
        <source>Activations</source>
        <extracomment>lesson dashboard name -&gt; (tab title, dashboard class)</extracomment>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>Dead and saturated units</source>
        <translation>Tote und gesättigte Neuronen</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Anzeige</translation>
    </message>
    <message>
        <source>Batch norm</source>
        <translation>Batch-Norm</translation>
    </message>
    <message>
        <source>Decision boundary</source>
        <translation>Entscheidungsgrenze</translation>
    </message>
    <message>
        <source>Confusion matrix</source>
        <translation>Konfusionsmatrix</translation>
    </message>
    <message>
        <source>Network graph</source>
        <translation>Netzgraph</translation>
    </message>
    <message>
        <source>Loss and accuracy</source>
        <translation>Loss und Genauigkeit</translation>
    </message>
    <message>
        <source>Gradients</source>
        <translation>Gradienten</translation>
    </message>
    <message>
        <source>Uncertainty</source>
        <translation>Unsicherheit</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <source>Loss</source>
        <extracomment>tab titles on the projector: six tabs of 20 px text fit half of 1280 px
----------
1600×900 and larger: the loss and the boundary each over a second row of dashboards smaller screens (1280×720, 1366×768): two dashboard columns of tabs, one row each the dashboards&apos; titles on their tabs: a tab group fits its column at 1280×720 (docks keep their full name as ``plan_name``; tooltips and the View menu say it in full)</extracomment>
        <translation>Loss</translation>
    </message>
    <message>
        <source>Boundary</source>
        <translation>Grenze</translation>
    </message>
    <message>
        <source>Dead units</source>
        <translation>Tote Neuronen</translation>
    </message>
    <message>
        <source>BN</source>
        <translation>BN</translation>
    </message>
    <message>
        <source>Confusion</source>
        <translation>Konfusion</translation>
    </message>
    <message>
        <source>Graph</source>
        <translation>Graph</translation>
    </message>
</context>
<context>
    <name>EarlyStoppingForm</name>
    <message>
        <source>Early stopping</source>
        <translation>Frühes Stoppen</translation>
    </message>
    <message>
        <source>stop early</source>
        <translation>früh stoppen</translation>
    </message>
    <message>
        <source>early stopping</source>
        <translation>frühes Stoppen</translation>
    </message>
    <message>
        <source>Stop when the monitored figure has not improved for &apos;patience&apos; epochs.</source>
        <translation>Anhalten, wenn sich die beobachtete Größe &apos;patience&apos; Epochen lang nicht verbessert hat.</translation>
    </message>
    <message>
        <source>monitor</source>
        <translation>beobachtet</translation>
    </message>
    <message>
        <source>The figure watched at the end of each epoch.</source>
        <translation>Die Größe, die am Ende jeder Epoche geprüft wird.</translation>
    </message>
    <message>
        <source>patience</source>
        <translation>Geduld (patience)</translation>
    </message>
    <message>
        <source>Epochs without improvement before training stops.</source>
        <translation>Epochen ohne Verbesserung, bevor das Training anhält.</translation>
    </message>
    <message>
        <source>min delta</source>
        <translation>Mindeständerung (min delta)</translation>
    </message>
    <message>
        <source>Smallest change that counts as an improvement.</source>
        <translation>Kleinste Änderung, die als Verbesserung zählt.</translation>
    </message>
    <message>
        <source>restore best</source>
        <translation>beste wiederherstellen</translation>
    </message>
    <message>
        <source>When it stops, go back to the weights of the best epoch.</source>
        <translation>Beim Anhalten zu den Gewichten der besten Epoche zurückkehren.</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <source>Designs (*.playground.json *.json);;All files (*)</source>
        <translation>Designs (*.playground.json *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>“{0}” reads its data from
{1}
outside the design&apos;s folder. Read that file?
(Answer No if you did not expect this, e.g. for a design someone sent you.)</source>
        <translation>„{0}&quot; liest seine Daten aus
{1}
außerhalb des Design-Ordners. Diese Datei lesen?
(Antworten Sie mit Nein, wenn Sie das nicht erwartet haben, etwa bei einem Design, das Ihnen jemand geschickt hat.)</translation>
    </message>
    <message>
        <source>Save the changes to “{0}”?
({1})</source>
        <translation>Die Änderungen an „{0}&quot; speichern?
({1})</translation>
    </message>
    <message>
        <source>Save the design “{0}”? It has not been saved to a file yet.</source>
        <translation>Das Design „{0}&quot; speichern? Es wurde noch nicht in einer Datei gespeichert.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungesicherte Änderungen</translation>
    </message>
    <message>
        <source>Open design</source>
        <translation>Design öffnen</translation>
    </message>
    <message>
        <source>Cannot open design</source>
        <translation>Design kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Data outside the design&apos;s folder</source>
        <translation>Daten außerhalb des Design-Ordners</translation>
    </message>
    <message>
        <source>Save design as</source>
        <translation>Design speichern unter</translation>
    </message>
    <message>
        <source>Cannot save design</source>
        <translation>Design kann nicht gespeichert werden</translation>
    </message>
</context>
<context>
    <name>Guide</name>
    <message>
        <source>option</source>
        <translation>Option</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Vorgabe</translation>
    </message>
    <message>
        <source>what it does</source>
        <translation>was sie bewirkt</translation>
    </message>
    <message>
        <source>per function</source>
        <translation>je nach Funktion</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>Lektionen</translation>
    </message>
    <message>
        <source>Open a lesson from the Lessons menu (Ctrl+1 … Ctrl+9, Alt+0 … Alt+3).</source>
        <translation>Öffnen Sie eine Lektion über das Menü Lektionen (Strg+1 … Strg+9, Alt+0 … Alt+3).</translation>
    </message>
    <message>
        <source>Dashboards</source>
        <translation>Dashboards</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Select a layer</source>
        <extracomment>options whose arrows walk a 1-2-5 ladder (they span decades)</extracomment>
        <translation>Eine Schicht auswählen</translation>
    </message>
</context>
<context>
    <name>KeyForm</name>
    <message>
        <source>Saved with the design; the run is not changed.</source>
        <translation>Mit dem Design gespeichert; der Lauf bleibt unverändert.</translation>
    </message>
    <message>
        <source>Rebuilt the run; layers of unchanged size keep their trained weights.</source>
        <translation>Lauf neu aufgebaut; Schichten unveränderter Größe behalten ihre trainierten Gewichte.</translation>
    </message>
    <message>
        <source>Rebuilt the run with new initial weights (another seed).</source>
        <translation>Lauf mit neuen Anfangsgewichten neu aufgebaut (anderer Seed).</translation>
    </message>
    <message>
        <source>Applied live at the next step; the run goes on.</source>
        <translation>Live ab dem nächsten Schritt übernommen; der Lauf geht weiter.</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>rebuilds</source>
        <translation>baut neu auf</translation>
    </message>
    <message>
        <source>What the last change did to the running training.</source>
        <translation>Was die letzte Änderung mit dem laufenden Training gemacht hat.</translation>
    </message>
    <message>
        <source>live: at the next step. rebuilds: a new run, weights kept.</source>
        <translation>live: ab dem nächsten Schritt. baut neu auf: ein neuer Lauf, Gewichte bleiben.</translation>
    </message>
</context>
<context>
    <name>Keys</name>
    <message>
        <source>&amp;Play / pause</source>
        <translation>&amp;Start / Pause</translation>
    </message>
    <message>
        <source>start or pause training</source>
        <translation>Training starten oder anhalten</translation>
    </message>
    <message>
        <source>&amp;Step</source>
        <translation>&amp;Schritt</translation>
    </message>
    <message>
        <source>one training step</source>
        <translation>ein Trainingsschritt</translation>
    </message>
    <message>
        <source>&amp;Reset weights</source>
        <translation>Gewichte &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>re-initialise the weights from the seed</source>
        <translation>die Gewichte aus dem Seed neu initialisieren</translation>
    </message>
    <message>
        <source>Toggle &amp;batch norm</source>
        <translation>&amp;Batch-Norm umschalten</translation>
    </message>
    <message>
        <source>switch every batch-norm layer off / on</source>
        <translation>jede Batch-Norm-Schicht aus- / einschalten</translation>
    </message>
    <message>
        <source>Toggle &amp;dropout</source>
        <translation>&amp;Dropout umschalten</translation>
    </message>
    <message>
        <source>switch every dropout layer off / on</source>
        <translation>jede Dropout-Schicht aus- / einschalten</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>&amp;Präsentationsmodus</translation>
    </message>
    <message>
        <source>large fonts, thick lines, full screen</source>
        <translation>große Schrift, dicke Linien, Vollbild</translation>
    </message>
    <message>
        <source>Side &amp;panels</source>
        <translation>Seiten&amp;leisten</translation>
    </message>
    <message>
        <source>collapse / expand the side panels</source>
        <translation>die Seitenleisten ein- / ausklappen</translation>
    </message>
    <message>
        <source>open lesson 1 … 9</source>
        <translation>Lektion 1 … 9 öffnen</translation>
    </message>
    <message>
        <source>open lesson 10 … 13</source>
        <translation>Lektion 10 … 13 öffnen</translation>
    </message>
    <message>
        <source>new design</source>
        <extracomment>file and edit keys, for the shortcut sheet (key, what it does)</extracomment>
        <translation>neues Design</translation>
    </message>
    <message>
        <source>open a design</source>
        <translation>ein Design öffnen</translation>
    </message>
    <message>
        <source>save</source>
        <translation>speichern</translation>
    </message>
    <message>
        <source>save as</source>
        <translation>speichern unter</translation>
    </message>
    <message>
        <source>undo</source>
        <translation>rückgängig</translation>
    </message>
    <message>
        <source>redo</source>
        <translation>wiederherstellen</translation>
    </message>
    <message>
        <source>quit</source>
        <translation>beenden</translation>
    </message>
    <message>
        <source>user guide</source>
        <translation>Benutzerhandbuch</translation>
    </message>
    <message>
        <source>keyboard focus to the layer palette</source>
        <translation>Tastaturfokus auf die Schichtpalette</translation>
    </message>
    <message>
        <source>keyboard focus to the layer stack</source>
        <translation>Tastaturfokus auf den Schichtstapel</translation>
    </message>
    <message>
        <source>move the selected layer</source>
        <translation>die gewählte Schicht verschieben</translation>
    </message>
    <message>
        <source>on a palette card: add its layer after the selected one</source>
        <translation>auf einer Palettenkarte: ihre Schicht nach der gewählten einfügen</translation>
    </message>
</context>
<context>
    <name>LRFinderDialog</name>
    <message>
        <source>Find learning rate</source>
        <translation>Lernrate finden</translation>
    </message>
    <message>
        <source>Training a copy of the model for a few steps while the learning rate grows from 0.00001 to 10; your run is not changed.</source>
        <translation>Eine Kopie des Modells wird einige Schritte trainiert, während die Lernrate von 0.00001 auf 10 wächst; Ihr Lauf bleibt unverändert.</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>loss against learning rate</source>
        <translation>Loss über der Lernrate</translation>
    </message>
    <message>
        <source>Use this rate</source>
        <translation>Diese Rate verwenden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>The range test stopped: {0}</source>
        <translation>Der Bereichstest wurde beendet: {0}</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source> (the loss blew up at the end)</source>
        <translation> (am Ende explodierte der Loss)</translation>
    </message>
    <message>
        <source>Suggested learning rate: {0:g} — a tenth of {1:.2g}, where the smoothed loss was lowest{2}.</source>
        <translation>Vorgeschlagene Lernrate: {0:g} — ein Zehntel von {1:.2g}, wo der geglättete Loss am kleinsten war{2}.</translation>
    </message>
    <message>
        <source>Use this rate ({0:g})</source>
        <translation>Diese Rate verwenden ({0:g})</translation>
    </message>
    <message>
        <source>learning rate set to {0:g}</source>
        <translation>Lernrate auf {0:g} gesetzt</translation>
    </message>
</context>
<context>
    <name>LayerCard</name>
    <message>
        <source>{0} → {1} · {2:,} params</source>
        <translation>{0} → {1} · {2:,} Parameter</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <source>A copy of this layer below it</source>
        <translation>Eine Kopie dieser Schicht darunter</translation>
    </message>
    <message>
        <source>Delete this layer (Del)</source>
        <translation>Diese Schicht löschen (Entf)</translation>
    </message>
</context>
<context>
    <name>LayerPalette</name>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
</context>
<context>
    <name>LayerStack</name>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>eingefroren</translation>
    </message>
    <message>
        <source>The loss: click to set its type and class weights.</source>
        <translation>Der Loss: klicken, um Typ und Klassengewichte festzulegen.</translation>
    </message>
    <message>
        <source>A rough estimate of the training speed with every monitor on: parameters × batch size decide it.</source>
        <translation>Grobe Schätzung der Trainingsgeschwindigkeit mit allen Anzeigen: Parameter × Batchgröße bestimmen sie.</translation>
    </message>
    <message>
        <source>&lt;b&gt;input&lt;/b&gt; · {0} features ({1})</source>
        <translation>&lt;b&gt;Eingabe&lt;/b&gt; · {0} Merkmale ({1})</translation>
    </message>
    <message>
        <source>&lt;b&gt;loss&lt;/b&gt; · {0}</source>
        <translation>&lt;b&gt;Loss&lt;/b&gt; · {0}</translation>
    </message>
</context>
<context>
    <name>LessonsPanel</name>
    <message>
        <source>Click a lesson to open it.</source>
        <extracomment>lessons whose point is per-batch noise open at a watch speed (steps a second), slow enough to see each batch&apos;s statistics jump</extracomment>
        <translation>Eine Lektion anklicken, um sie zu öffnen.</translation>
    </message>
    <message>
        <source>Lessons could not be read: {0}</source>
        <translation>Die Lektionen konnten nicht gelesen werden: {0}</translation>
    </message>
    <message>
        <source>◀ Previous lesson</source>
        <translation>◀ Vorige Lektion</translation>
    </message>
    <message>
        <source>Next lesson ▶</source>
        <translation>Nächste Lektion ▶</translation>
    </message>
    <message>
        <source>{0} epochs</source>
        <translation>{0} Epochen</translation>
    </message>
    <message>
        <source>{0} steps</source>
        <translation>{0} Schritte</translation>
    </message>
    <message>
        <source>Lesson {0}: {1}</source>
        <translation>Lektion {0}: {1}</translation>
    </message>
    <message>
        <source>run for about {0}</source>
        <translation>etwa {0} lang trainieren</translation>
    </message>
</context>
<context>
    <name>LossDashboard</name>
    <message>
        <source>log scale</source>
        <translation>log. Skala</translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis.</source>
        <translation>Den Loss auf einer logarithmischen Achse zeigen.</translation>
    </message>
    <message>
        <source>old branch</source>
        <translation>alter Zweig</translation>
    </message>
</context>
<context>
    <name>LossForm</name>
    <message>
        <source>class {0} is not a class of the data (classes: {1})</source>
        <translation>Klasse {0} kommt in den Daten nicht vor (Klassen: {1})</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>What training minimises; cross-entropies for classes, mse/mae for numbers.</source>
        <translation>Was das Training minimiert; Kreuzentropien für Klassen, mse/mae für Zahlen.</translation>
    </message>
    <message>
        <source>class weights</source>
        <translation>Klassengewichte</translation>
    </message>
    <message>
        <source>Weigh each class&apos;s samples in the loss: balanced = inverse to class frequency, mean 1 over the samples; custom = one weight per class (0: 1, 1: 19).</source>
        <translation>Die Beispiele jeder Klasse im Loss gewichten: balanced = umgekehrt zur Klassenhäufigkeit, Mittel 1 über die Beispiele; custom = ein Gewicht je Klasse (0: 1, 1: 19).</translation>
    </message>
    <message>
        <source>The weight of each class on this design&apos;s training data.</source>
        <translation>Das Gewicht jeder Klasse auf den Trainingsdaten dieses Designs.</translation>
    </message>
    <message>
        <source>Every sample weighs 1.</source>
        <translation>Jedes Beispiel wiegt 1.</translation>
    </message>
    <message>
        <source>Weights shown once the data can be read.</source>
        <translation>Gewichte erscheinen, sobald die Daten gelesen werden können.</translation>
    </message>
    <message>
        <source>Class weights used: </source>
        <translation>Verwendete Klassengewichte: </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>0 fps</source>
        <translation>0 fps</translation>
    </message>
    <message>
        <source>compiling the engine…</source>
        <translation>Engine wird kompiliert …</translation>
    </message>
    <message>
        <source>engine ready ({0:.1f} s)</source>
        <translation>Engine bereit ({0:.1f} s)</translation>
    </message>
</context>
<context>
    <name>MarkerLayer</name>
    <message>
        <source>{0} (+{1} more)</source>
        <translation>{0} (+{1} weitere)</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;Lessons</source>
        <translation>&amp;Lektionen</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Training</translation>
    </message>
    <message>
        <source>&amp;Compare…</source>
        <translation>&amp;Vergleichen …</translation>
    </message>
    <message>
        <source>Train the current design beside a variant (A/B).</source>
        <translation>Das aktuelle Design neben einer Variante trainieren (A/B).</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Presentation &amp;zoom</source>
        <translation>Präsentations-&amp;Zoom</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>Run &amp;metrics (CSV)…</source>
        <extracomment>File → Export entries done by the worker: (what, menu text, file filter, default suffix)</extracomment>
        <translation>Lauf-&amp;Metriken (CSV) …</translation>
    </message>
    <message>
        <source>&amp;PyTorch script…</source>
        <translation>&amp;PyTorch-Skript …</translation>
    </message>
    <message>
        <source>&amp;Weights…</source>
        <translation>&amp;Gewichte …</translation>
    </message>
    <message>
        <source>&amp;Checkpoint…</source>
        <translation>&amp;Checkpoint …</translation>
    </message>
    <message>
        <source>Open chec&amp;kpoint…</source>
        <translation>Chec&amp;kpoint öffnen …</translation>
    </message>
    <message>
        <source>Continue training from a checkpoint written for this design (by the app or by playground-train --checkpoint), bit for bit.</source>
        <translation>Das Training bitgenau an einem Checkpoint dieses Designs fortsetzen (von der App oder von playground-train --checkpoint geschrieben).</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>All &amp;dashboards as images…</source>
        <translation>Alle &amp;Anzeigen als Bilder …</translation>
    </message>
    <message>
        <source>Find &amp;learning rate…</source>
        <translation>&amp;Lernrate finden …</translation>
    </message>
    <message>
        <source>The learning-rate range test on a copy of the run: loss against learning rate, with a suggested rate to use.</source>
        <translation>Der Lernraten-Bereichstest an einer Kopie des Laufs: Loss über der Lernrate, mit einer vorgeschlagenen Rate.</translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <extracomment>View → Language: settings value -&gt; menu text</extracomment>
        <translation>&amp;Systemsprache</translation>
    </message>
    <message>
        <source>&amp;English</source>
        <translation>&amp;English</translation>
    </message>
    <message>
        <source>&amp;Deutsch</source>
        <translation>&amp;Deutsch</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Speichern &amp;unter …</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <source>Go to layer &amp;palette</source>
        <translation>Zur &amp;Schichtpalette</translation>
    </message>
    <message>
        <source>Keyboard focus to the first palette card: Tab to a card, Enter adds it.</source>
        <translation>Tastaturfokus auf die erste Palettenkarte: mit Tab zu einer Karte, Enter fügt sie ein.</translation>
    </message>
    <message>
        <source>Go to layer &amp;stack</source>
        <translation>Zum Schicht&amp;stapel</translation>
    </message>
    <message>
        <source>Keyboard focus to the layer stack: Up/Down select, Ctrl+Up/Down move, Delete removes.</source>
        <translation>Tastaturfokus auf den Schichtstapel: Auf/Ab wählt, Strg+Auf/Ab verschiebt, Entf entfernt.</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation>&amp;Anordnung zurücksetzen</translation>
    </message>
    <message>
        <source>Every panel back in its place, sized for this screen.</source>
        <translation>Jedes Fenster zurück an seinen Platz, passend für diesen Bildschirm.</translation>
    </message>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>&amp;Präsentationsmodus</translation>
    </message>
    <message>
        <source>The projector layout: large boundary and loss curve, large text, high contrast, full screen.</source>
        <translation>Die Beamer-Anordnung: große Entscheidungsgrenze und Loss-Kurve, große Schrift, hoher Kontrast, Vollbild.</translation>
    </message>
    <message>
        <source>&amp;User guide</source>
        <translation>&amp;Benutzerhandbuch</translation>
    </message>
    <message>
        <source>The dashboards, every layer with its formula, the lessons; searchable.</source>
        <translation>Die Dashboards, jede Schicht mit ihrer Formel, die Lektionen; durchsuchbar.</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>Die Sprache wechselt beim nächsten Start.</translation>
    </message>
    <message>
        <source>Language saved: it applies when the app starts again.</source>
        <translation>Sprache gespeichert: Sie gilt, sobald die App neu startet.</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source> in layer {0} ({1})</source>
        <translation> in Schicht {0} ({1})</translation>
    </message>
    <message>
        <source>Training diverged at step {0}{1}.</source>
        <translation>Das Training divergierte bei Schritt {0}{1}.</translation>
    </message>
    <message>
        <source>Diverged</source>
        <translation>Divergiert</translation>
    </message>
    <message>
        <source>
Reset the weights, or lower the learning rate (÷10) and reset?</source>
        <translation>
Die Gewichte zurücksetzen, oder die Lernrate senken (÷10) und zurücksetzen?</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Lower lr</source>
        <translation>Lernrate senken</translation>
    </message>
</context>
<context>
    <name>NetworkGraphDashboard</name>
    <message>
        <source>↶ Undo weight</source>
        <translation>↶ Rückgängig</translation>
    </message>
    <message>
        <source>↷ Redo</source>
        <translation>↷ Wiederholen</translation>
    </message>
    <message>
        <source>Click a link to type its weight, a unit to see its map.</source>
        <translation>Eine Verbindung anklicken, um ihr Gewicht einzugeben, ein Neuron, um seine Karte zu sehen.</translation>
    </message>
    <message>
        <source>Undo the last weight you typed on a link.</source>
        <translation>Das zuletzt an einer Verbindung eingegebene Gewicht zurücknehmen.</translation>
    </message>
    <message>
        <source>Redo the weight edit just undone.</source>
        <translation>Die eben zurückgenommene Gewichtsänderung wiederherstellen.</translation>
    </message>
    <message>
        <source>dead (never active on the monitor batch)</source>
        <translation>tot (nie aktiv im Beobachtungs-Batch)</translation>
    </message>
    <message>
        <source>alive</source>
        <translation>lebendig</translation>
    </message>
</context>
<context>
    <name>NetworkStrip</name>
    <message>
        <source>{0} inputs</source>
        <translation>{0} Eingaben</translation>
    </message>
    <message>
        <source> (off)</source>
        <translation> (aus)</translation>
    </message>
    <message>
        <source> &amp;nbsp;·&amp;nbsp; loss {0} &amp;nbsp;·&amp;nbsp; {1:,} parameters</source>
        <translation> &amp;nbsp;·&amp;nbsp; Loss {0} &amp;nbsp;·&amp;nbsp; {1:,} Parameter</translation>
    </message>
</context>
<context>
    <name>OptionalNumber</name>
    <message>
        <source>off</source>
        <extracomment>options that may be null: (what null means, the value used when switched on)</extracomment>
        <translation>aus</translation>
    </message>
    <message>
        <source>the learning rate</source>
        <translation>die Lernrate</translation>
    </message>
    <message>
        <source>the whole run</source>
        <translation>der ganze Lauf</translation>
    </message>
    <message>
        <source>lr_high / 10</source>
        <translation>lr_high / 10</translation>
    </message>
    <message>
        <source>Unchecked: {0}.</source>
        <translation>Nicht angehakt: {0}.</translation>
    </message>
</context>
<context>
    <name>OverlayPlot</name>
    <message>
        <source>training loss (smoothed)</source>
        <translation>Trainings-Loss (geglättet)</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>Validierungs-Loss</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>gradient norm ‖∇W‖</source>
        <translation>Gradientennorm ‖∇W‖</translation>
    </message>
    <message>
        <source>dead ReLUs (fraction)</source>
        <translation>tote ReLUs (Anteil)</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>noch keine Daten</translation>
    </message>
</context>
<context>
    <name>OverlayPlots</name>
    <message>
        <source>gradient norms of</source>
        <translation>Gradientennormen von</translation>
    </message>
    <message>
        <source>Show every layer&apos;s gradient norm, or only one layer&apos;s.</source>
        <translation>Die Gradientennorm jeder Schicht zeigen oder nur die einer Schicht.</translation>
    </message>
    <message>
        <source>all layers</source>
        <translation>alle Schichten</translation>
    </message>
    <message>
        <source>mean over layers</source>
        <translation>Mittel über die Schichten</translation>
    </message>
</context>
<context>
    <name>PaletteCard</name>
    <message>
        <source>{0}: {1}
Drag onto the layer stack (double-click appends; Enter adds it after the selected layer).</source>
        <translation>{0}: {1}
Auf den Schichtstapel ziehen (Doppelklick hängt an; Enter fügt sie nach der gewählten Schicht ein).</translation>
    </message>
</context>
<context>
    <name>Plots</name>
    <message>
        <source>dead</source>
        <translation>tot</translation>
    </message>
    <message>
        <source>negative everywhere</source>
        <translation>überall negativ</translation>
    </message>
    <message>
        <source>saturated</source>
        <translation>gesättigt</translation>
    </message>
    <message>
        <source>dead fraction</source>
        <translation>Anteil toter Neuronen</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>train (batch)</source>
        <translation>Training (Batch)</translation>
    </message>
    <message>
        <source>train (epoch)</source>
        <translation>Training (Epoche)</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>train</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>gradient norm ‖∇W‖ per layer</source>
        <translation>Gradientennorm ‖∇W‖ je Schicht</translation>
    </message>
    <message>
        <source>update / weight ‖ΔW‖/‖W‖ (colours as above)</source>
        <translation>Update / Gewicht ‖ΔW‖/‖W‖ (Farben wie oben)</translation>
    </message>
    <message>
        <source>batch statistic (renorm: r)</source>
        <translation>Batch-Statistik (Renorm: r)</translation>
    </message>
    <message>
        <source>moving average (renorm: d)</source>
        <translation>gleitender Mittelwert (Renorm: d)</translation>
    </message>
    <message>
        <source>mean per unit</source>
        <translation>Mittelwert je Neuron</translation>
    </message>
    <message>
        <source>variance per unit</source>
        <translation>Varianz je Neuron</translation>
    </message>
    <message>
        <source>renorm r and d</source>
        <translation>Renorm r und d</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>Recover the unsaved design from {0}?</source>
        <translation>Das ungesicherte Design von {0} wiederherstellen?</translation>
    </message>
    <message>
        <source>, its run at step {0:,}</source>
        <translation>, sein Lauf bei Schritt {0:,}</translation>
    </message>
    <message>
        <source>, not trained yet</source>
        <translation>, noch nicht trainiert</translation>
    </message>
    <message>
        <source>
(from {0})</source>
        <translation>
(aus {0})</translation>
    </message>
    <message>
        <source>
(never saved to a file)</source>
        <translation>
(nie in einer Datei gespeichert)</translation>
    </message>
    <message>
        <source> on {0}</source>
        <translation> am {0}</translation>
    </message>
    <message>
        <source>{0} layer</source>
        <translation>{0} Schicht</translation>
    </message>
    <message>
        <source>{0} layers</source>
        <translation>{0} Schichten</translation>
    </message>
    <message>
        <source>“{0}”: {1}{2}, autosaved at {3}{4}.{5}</source>
        <translation>„{0}&quot;: {1}{2}, automatisch gesichert um {3}{4}.{5}</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>Ungesicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Später</translation>
    </message>
</context>
<context>
    <name>RefusalBar</name>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Take the refused edit back.</source>
        <translation>Die abgelehnte Änderung zurücknehmen.</translation>
    </message>
    <message>
        <source>Hide this message.</source>
        <translation>Diese Meldung ausblenden.</translation>
    </message>
</context>
<context>
    <name>RegularizerEditor</name>
    <message>
        <source>Penalty on this layer&apos;s kernel added to the loss: L1 a·Σ|w| drives weights to exactly zero, L2 b·Σw² shrinks them all.</source>
        <translation>Strafterm auf den Kernel dieser Schicht, zum Loss addiert: L1 a·Σ|w| treibt Gewichte auf genau null, L2 b·Σw² verkleinert alle.</translation>
    </message>
</context>
<context>
    <name>RewindTimeline</name>
    <message>
        <source>Rewind: each tick is a kept point of this run. Click or drag back to one to go there (training pauses; Play continues from it, and the curves after it stay grey as the old branch). Right-click: open an A/B comparison from that point.</source>
        <translation>Zurückspulen: jeder Strich ist ein gespeicherter Punkt dieses Laufs. Klicken oder zurückziehen, um dorthin zu gehen (das Training pausiert; Abspielen macht von dort weiter, die Kurven danach bleiben grau als alter Zweig). Rechtsklick: einen A/B-Vergleich ab diesem Punkt öffnen.</translation>
    </message>
    <message>
        <source>Keyboard: Tab to the timeline, Left/Right choose a kept point, Home/End the first/last, Enter rewinds there, the menu key opens the A/B comparison.</source>
        <translation>Tastatur: Tab bis zur Zeitleiste, Links/Rechts wählen einen gespeicherten Punkt, Pos1/Ende den ersten/letzten, Enter spult dorthin zurück, die Menütaste öffnet den A/B-Vergleich.</translation>
    </message>
    <message>
        <source>Rewind timeline</source>
        <translation>Zeitleiste zum Zurückspulen</translation>
    </message>
    <message>
        <source>Rewind to step {0}</source>
        <translation>Zurück zu Schritt {0}</translation>
    </message>
    <message>
        <source>Open as A/B comparison from here</source>
        <translation>Ab hier als A/B-Vergleich öffnen</translation>
    </message>
    <message>
        <source>Both runs of the comparison start from this kept point.</source>
        <translation>Beide Läufe des Vergleichs beginnen an diesem gespeicherten Punkt.</translation>
    </message>
    <message>
        <source>step {0}</source>
        <translation>Schritt {0}</translation>
    </message>
</context>
<context>
    <name>RunBanner</name>
    <message>
        <source>Hide this message (the run stays as it is).</source>
        <translation>Diese Meldung ausblenden (der Lauf bleibt, wie er ist).</translation>
    </message>
    <message>
        <source>Raise the epoch limit and train on from here (one undo step).</source>
        <translation>Das Epochenlimit erhöhen und von hier aus weitertrainieren (ein Rückgängig-Schritt).</translation>
    </message>
    <message>
        <source>Train without limit</source>
        <translation>Ohne Limit trainieren</translation>
    </message>
    <message>
        <source>No epoch limit and no early stopping: Pause stops it.</source>
        <translation>Kein Epochenlimit und kein Early Stopping: Pause hält an.</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>New initial weights from the seed; train again from step 0.</source>
        <translation>Neue Anfangsgewichte aus dem Seed; erneut ab Schritt 0 trainieren.</translation>
    </message>
    <message>
        <source>Continue for {0} more epochs</source>
        <translation>{0} weitere Epochen trainieren</translation>
    </message>
</context>
<context>
    <name>RunEnd</name>
    <message>
        <source>validation loss</source>
        <translation>Validierungs-Loss</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>Trainings-Loss</translation>
    </message>
    <message>
        <source>validation accuracy</source>
        <translation>Validierungsgenauigkeit</translation>
    </message>
    <message>
        <source>training accuracy</source>
        <translation>Trainingsgenauigkeit</translation>
    </message>
    <message>
        <source>training</source>
        <translation>Training läuft</translation>
    </message>
    <message>
        <source>early stopped at epoch {0}: {1} did not improve for {2} epochs</source>
        <translation>früh gestoppt in Epoche {0}: {1} hat sich {2} Epochen lang nicht verbessert</translation>
    </message>
    <message>
        <source> (the weights of epoch {0}, the best, are restored)</source>
        <translation> (die Gewichte der besten Epoche {0} sind zurückgeholt)</translation>
    </message>
    <message>
        <source>diverged at step {0}</source>
        <translation>divergiert bei Schritt {0}</translation>
    </message>
    <message>
        <source>finished after {0} epochs</source>
        <translation>fertig nach {0} Epochen</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <source>Step size of the optimiser (applied at the next step).</source>
        <translation>Schrittweite des Optimierers (gilt ab dem nächsten Schritt).</translation>
    </message>
    <message>
        <source>Decay of the running mean of gradients (momentum).</source>
        <translation>Abklingrate des gleitenden Mittels der Gradienten (Momentum).</translation>
    </message>
    <message>
        <source>Decay of the running mean of squared gradients.</source>
        <translation>Abklingrate des gleitenden Mittels der quadrierten Gradienten.</translation>
    </message>
    <message>
        <source>Fraction of the previous update kept.</source>
        <translation>Anteil des vorigen Updates, der erhalten bleibt.</translation>
    </message>
    <message>
        <source>Look-ahead (Nesterov) momentum.</source>
        <translation>Vorausschauendes (Nesterov-)Momentum.</translation>
    </message>
    <message>
        <source>Rescale each parameter&apos;s gradient to at most this norm (unchecked: off).</source>
        <translation>Den Gradienten jedes Parameters auf höchstens diese Norm skalieren (nicht angehakt: aus).</translation>
    </message>
    <message>
        <source>Clip each gradient component to ±this value (unchecked: off).</source>
        <translation>Jede Gradientenkomponente auf ± diesen Wert begrenzen (nicht angehakt: aus).</translation>
    </message>
    <message>
        <source>Rescale all gradients together to at most this norm (unchecked: off).</source>
        <translation>Alle Gradienten gemeinsam auf höchstens diese Norm skalieren (nicht angehakt: aus).</translation>
    </message>
    <message>
        <source>Decoupled weight decay (AdamW) (unchecked: off).</source>
        <translation>Entkoppelter Weight Decay (AdamW) (nicht angehakt: aus).</translation>
    </message>
    <message>
        <source>Steps over which the schedule decays.</source>
        <translation>Schritte, über die der Zeitplan abklingt.</translation>
    </message>
    <message>
        <source>Power of the decay.</source>
        <translation>Exponent des Abklingens.</translation>
    </message>
    <message>
        <source>Step at which the linear schedule reaches its low rate.</source>
        <translation>Schritt, bei dem der lineare Zeitplan seine niedrige Rate erreicht.</translation>
    </message>
    <message>
        <source>Steps where the rate changes (JSON list).</source>
        <translation>Schritte, an denen die Rate wechselt (JSON-Liste).</translation>
    </message>
    <message>
        <source>Rates between the boundaries (JSON list, one more than boundaries).</source>
        <translation>Raten zwischen den Grenzen (JSON-Liste, eine mehr als Grenzen).</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Zeitplan</translation>
    </message>
</context>
<context>
    <name>ShortcutSheet</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>key</source>
        <translation>Taste</translation>
    </message>
    <message>
        <source>does</source>
        <translation>bewirkt</translation>
    </message>
</context>
<context>
    <name>SpeedBox</name>
    <message>
        <source>watch: 2 steps/s</source>
        <translation>zusehen: 2 Schritte/s</translation>
    </message>
    <message>
        <source>watch: 5 steps/s</source>
        <translation>zusehen: 5 Schritte/s</translation>
    </message>
    <message>
        <source>watch: 10 steps/s</source>
        <translation>zusehen: 10 Schritte/s</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>1 step/frame</source>
        <translation>1 Schritt/Bild</translation>
    </message>
    <message>
        <source>3 steps/frame</source>
        <translation>3 Schritte/Bild</translation>
    </message>
    <message>
        <source>10 steps/frame</source>
        <translation>10 Schritte/Bild</translation>
    </message>
    <message>
        <source>30 steps/frame</source>
        <translation>30 Schritte/Bild</translation>
    </message>
    <message>
        <source>100 steps/frame</source>
        <translation>100 Schritte/Bild</translation>
    </message>
    <message>
        <source>1000 steps/frame</source>
        <translation>1000 Schritte/Bild</translation>
    </message>
    <message>
        <source>max</source>
        <translation>maximal</translation>
    </message>
    <message>
        <source>Training speed. watch: a few steps a second, each batch drawn (batch statistics jump visibly); auto: paced so that the curves and the decision boundary evolve visibly (about 20 epochs a second); n steps/frame: n optimiser steps per redraw; max: as fast as the machine can.</source>
        <translation>Trainingstempo. zusehen: wenige Schritte pro Sekunde, jeder Batch gezeichnet (Batch-Statistiken springen sichtbar); automatisch: so getaktet, dass sich Kurven und Entscheidungsgrenze sichtbar entwickeln (etwa 20 Epochen pro Sekunde); n Schritte/Bild: n Optimiererschritte je Neuzeichnen; maximal: so schnell der Rechner kann.</translation>
    </message>
    <message>
        <source>{0} steps/frame</source>
        <translation>{0} Schritte/Bild</translation>
    </message>
    <message>
        <source>watch: {0:g} steps/s</source>
        <translation>zusehen: {0:g} Schritte/s</translation>
    </message>
</context>
<context>
    <name>TrainingBar</name>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Training settings</source>
        <translation>Trainingseinstellungen</translation>
    </message>
    <message>
        <source>epoch 0 · step 0</source>
        <translation>Epoche 0 · Schritt 0</translation>
    </message>
    <message>
        <source>0 steps/s</source>
        <translation>0 Schritte/s</translation>
    </message>
    <message>
        <source>speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>opt</source>
        <translation>Opt.</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>Zeitplan</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>Batchgr.</translation>
    </message>
    <message>
        <source>device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Start or pause training (Space).</source>
        <translation>Training starten oder anhalten (Leertaste).</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>One optimiser step (→).</source>
        <translation>Ein Optimiererschritt (→).</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>Epoche</translation>
    </message>
    <message>
        <source>Train to the end of the current epoch.</source>
        <translation>Bis zum Ende der laufenden Epoche trainieren.</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Re-initialise the weights from the seed (R).</source>
        <translation>Die Gewichte aus dem Seed neu initialisieren (R).</translation>
    </message>
    <message>
        <source>The optimisation rule.</source>
        <translation>Die Optimierungsregel.</translation>
    </message>
    <message>
        <source>Learning rate (applied at the next step; type it, then Enter).</source>
        <translation>Lernrate (gilt ab dem nächsten Schritt; eintippen, dann Enter).</translation>
    </message>
    <message>
        <source>Learning-rate schedule.</source>
        <translation>Zeitplan der Lernrate.</translation>
    </message>
    <message>
        <source>Mini-batch size (type it, then Enter).</source>
        <translation>Größe des Mini-Batches (eintippen, dann Enter).</translation>
    </message>
    <message>
        <source>Where training runs.</source>
        <translation>Wo das Training läuft.</translation>
    </message>
    <message>
        <source>early stop</source>
        <translation>früh stoppen</translation>
    </message>
    <message>
        <source>Stop when the monitored loss has not improved for &apos;patience&apos; epochs (training.early_stopping). Off: the run goes on to its epoch limit.</source>
        <translation>Anhalten, wenn sich der beobachtete Loss &apos;patience&apos; Epochen lang nicht verbessert hat (training.early_stopping). Aus: der Lauf geht bis zu seinem Epochenlimit.</translation>
    </message>
    <message>
        <source> (waiting: compiling the engine…)</source>
        <translation> (wartet: die Engine wird kompiliert …)</translation>
    </message>
    <message>
        <source>nothing to train</source>
        <translation>nichts zu trainieren</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Early stopping on {0}, patience {1} epochs. Off: the run goes on to its epoch limit.</source>
        <translation>Early Stopping auf {0}, patience {1} Epochen. Aus: der Lauf geht bis zu seinem Epochenlimit.</translation>
    </message>
    <message>
        <source>epoch {0} · step {1} · loss {2}</source>
        <translation>Epoche {0} · Schritt {1} · Loss {2}</translation>
    </message>
    <message>
        <source>{0:,.0f} steps/s</source>
        <translation>{0:,.0f} Schritte/s</translation>
    </message>
</context>
<context>
    <name>TrainingForm</name>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>The design&apos;s title.</source>
        <translation>Der Titel des Designs.</translation>
    </message>
    <message>
        <source>New seed</source>
        <translation>Neuer Seed</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Seeds the data, the shuffling and every layer&apos;s initial weights; New seed draws another one.</source>
        <translation>Legt die Daten, das Mischen und die Anfangsgewichte jeder Schicht fest; Neuer Seed zieht einen anderen.</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>How many passes over the training data; unlimited: until you pause.</source>
        <translation>Wie viele Durchläufe über die Trainingsdaten; unbegrenzt: bis zur Pause.</translation>
    </message>
    <message>
        <source>full</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>Batch-Größe</translation>
    </message>
    <message>
        <source>Samples per optimiser step; full: the whole training set (batch gradient descent).</source>
        <translation>Beispiele pro Optimiererschritt; alle: die ganze Trainingsmenge (Batch-Gradientenabstieg).</translation>
    </message>
    <message>
        <source>shuffle</source>
        <translation>mischen</translation>
    </message>
    <message>
        <source>Draw the batches in a new random order every epoch.</source>
        <translation>Die Batches jede Epoche in neuer zufälliger Reihenfolge ziehen.</translation>
    </message>
    <message>
        <source>validation split</source>
        <translation>Validierungsanteil</translation>
    </message>
    <message>
        <source>Fraction of the data held out to validate (0: none); the rest trains (data.train_fraction).</source>
        <translation>Anteil der Daten, der zur Validierung zurückgehalten wird (0: keiner); der Rest trainiert (data.train_fraction).</translation>
    </message>
</context>
<context>
    <name>TrainingWorker</name>
    <message>
        <source>rewound to step {0}</source>
        <extracomment>keeping rewind points takes at most about this share of the worker&apos;s time (engine.rewind) (step, state dict): the kept state asked for by ``state_at`` (an A/B comparison from it)</extracomment>
        <translation>zurück zu Schritt {0}</translation>
    </message>
</context>
<context>
    <name>UncertaintyDashboard</name>
    <message>
        <source>MC dropout: mean ± 2 std</source>
        <translation>MC-Dropout: Mittelwert ± 2 Std.-Abw.</translation>
    </message>
    <message>
        <source>MC dropout needs 1-D regression data (sine_1d) and a dropout layer.</source>
        <translation>MC-Dropout braucht 1-D-Regressionsdaten (sine_1d) und eine Dropout-Schicht.</translation>
    </message>
</context>
<context>
    <name>UncertaintyLayer</name>
    <message>
        <source>MC-dropout uncertainty (2-D, dropout)</source>
        <translation>MC-Dropout-Unsicherheit (2-D, Dropout)</translation>
    </message>
    <message>
        <source>Show the standard deviation of 30 predictions with dropout on as a white fog over the input plane</source>
        <translation>Die Standardabweichung von 30 Vorhersagen mit eingeschaltetem Dropout als weißen Nebel über der Eingabeebene zeigen</translation>
    </message>
</context>
<context>
    <name>UnitMapDialog</name>
    <message>
        <source>Unit map</source>
        <translation>Neuronenkarte</translation>
    </message>
</context>
<context>
    <name>UserGuide</name>
    <message>
        <source>User guide</source>
        <translation>Benutzerhandbuch</translation>
    </message>
    <message>
        <source>Search the guide</source>
        <translation>Im Handbuch suchen</translation>
    </message>
    <message>
        <source>Type a word and press Enter: the guide scrolls to its next place.</source>
        <translation>Ein Wort eingeben und Enter drücken: das Handbuch springt zur nächsten Fundstelle.</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>nicht gefunden</translation>
    </message>
</context>
<context>
    <name>WeightDashboard</name>
    <message>
        <source>Each weighted layer&apos;s kernel values: the axis under a histogram spans its smallest to its largest weight; heights are relative to the fullest bin.</source>
        <translation>Die Kernel-Werte jeder Schicht mit Gewichten: die Achse unter einem Histogramm reicht vom kleinsten bis zum größten Gewicht; Höhen relativ zum vollsten Balken.</translation>
    </message>
</context>
<context>
    <name>WindowExports</name>
    <message>
        <source>Metrics written</source>
        <translation>Metriken geschrieben</translation>
    </message>
    <message>
        <source>PyTorch script written</source>
        <translation>PyTorch-Skript geschrieben</translation>
    </message>
    <message>
        <source>Weights written</source>
        <translation>Gewichte geschrieben</translation>
    </message>
    <message>
        <source>Checkpoint written</source>
        <translation>Checkpoint geschrieben</translation>
    </message>
    <message>
        <source>Continuing from the checkpoint</source>
        <translation>Training geht vom Checkpoint aus weiter</translation>
    </message>
    <message>
        <source>Nothing to export yet</source>
        <translation>Noch nichts zu exportieren</translation>
    </message>
    <message>
        <source>There is no model yet: fix the design problem reported before.</source>
        <translation>Es gibt noch kein Modell: zuerst das gemeldete Problem im Design beheben.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Writing {0}…</source>
        <translation>{0} wird geschrieben …</translation>
    </message>
    <message>
        <source>Open checkpoint</source>
        <translation>Checkpoint öffnen</translation>
    </message>
    <message>
        <source>Checkpoints (*.npz);;All files (*)</source>
        <translation>Checkpoints (*.npz);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>{0} wird gelesen …</translation>
    </message>
    <message>
        <source>Cannot open the checkpoint</source>
        <translation>Der Checkpoint kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>Export nicht möglich</translation>
    </message>
    <message>
        <source>Export all dashboards into</source>
        <translation>Alle Anzeigen exportieren nach</translation>
    </message>
    <message>
        <source>Writing the dashboards…</source>
        <translation>Die Anzeigen werden geschrieben …</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Writing {0} ({1} of {2})…</source>
        <translation>{0} wird geschrieben ({1} von {2}) …</translation>
    </message>
    <message>
        <source>Cannot export the dashboards</source>
        <translation>Die Anzeigen können nicht exportiert werden</translation>
    </message>
    <message>
        <source>{0} files written to {1}</source>
        <translation>{0} Dateien nach {1} geschrieben</translation>
    </message>
</context>
<context>
    <name>WindowMessages</name>
    <message>
        <source>nothing to train: </source>
        <translation>nichts zu trainieren: </translation>
    </message>
    <message>
        <source>Cannot apply “{0}”</source>
        <translation>„{0}&quot; kann nicht angewandt werden</translation>
    </message>
    <message>
        <source>Training is paused; Play trains the model as it was before this edit.</source>
        <translation>Das Training ist angehalten; Start trainiert das Modell im Zustand vor dieser Änderung.</translation>
    </message>
    <message>
        <source>Nothing to train until this is fixed.</source>
        <translation>Nichts zu trainieren, bis dies behoben ist.</translation>
    </message>
</context>
<context>
    <name>WindowTips</name>
    <message>
        <source>Float this panel as a window of its own (double-click its title to dock it again)</source>
        <translation>Dieses Feld als eigenes Fenster lösen (Doppelklick auf den Titel dockt es wieder an)</translation>
    </message>
    <message>
        <source>Close this panel (the View menu shows it again)</source>
        <translation>Dieses Feld schließen (das Menü Ansicht zeigt es wieder)</translation>
    </message>
    <message>
        <source>The controls that do not fit the bar</source>
        <translation>Die Bedienelemente, die nicht in die Leiste passen</translation>
    </message>
    <message>
        <source>Scroll the tabs: the ones on the left</source>
        <translation>Reiter blättern: die links</translation>
    </message>
    <message>
        <source>Scroll the tabs: the ones on the right</source>
        <translation>Reiter blättern: die rechts</translation>
    </message>
</context>
<context>
    <name>Worker</name>
    <message>
        <source>compiling the engine…</source>
        <translation>Engine wird kompiliert …</translation>
    </message>
    <message>
        <source>nothing to train: fix the design problem first</source>
        <translation>nichts zu trainieren: zuerst das Problem im Design beheben</translation>
    </message>
    <message>
        <source>: continue for more epochs, or Reset</source>
        <translation>: weitere Epochen trainieren oder zurücksetzen</translation>
    </message>
    <message>
        <source>building…</source>
        <translation>wird aufgebaut …</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
</context>
</TS>
