<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name></name>
    <message>
        <location filename="../../src/maliradio/news/timefmt.py" line="59"/>
        <source>{day} {month} {year} à {hh:02d}:{mm:02d}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="73"/>
        <source>Player</source>
        <comment>Choisissez une station</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="75"/>
        <source>Player</source>
        <comment>Connexion à %1…</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="78"/>
        <source>Player</source>
        <comment>Mise en mémoire tampon (%1 %)…</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="82"/>
        <source>Player</source>
        <comment>En lecture : %1</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="85"/>
        <source>Player</source>
        <comment>%1 — reconnexion, essai %2 dans %3 s</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="86"/>
        <source>Player</source>
        <comment>flux interrompu</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="91"/>
        <source>Player</source>
        <comment>Lecture impossible</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="93"/>
        <source>Player</source>
        <comment>Arrêté</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="36"/>
        <source>Stations</source>
        <comment>Burkina Faso</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="37"/>
        <source>Stations</source>
        <comment>Niger</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="38"/>
        <source>Stations</source>
        <comment>International</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="110"/>
        <source>Actualités : bientôt disponibles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="117"/>
        <source>&amp;Fichier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="118"/>
        <source>Ajouter une station…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="121"/>
        <source>Quitter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="125"/>
        <source>&amp;Lecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="126"/>
        <source>Lecture / arrêt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="130"/>
        <source>Couper le son</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="134"/>
        <source>Plein écran</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="143"/>
        <source>Reprendre la dernière station au démarrage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="147"/>
        <source>&amp;Aide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="148"/>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="341"/>
        <source>À propos de maliradio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="164"/>
        <source>Lecture impossible : %1 Les actualités restent disponibles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="187"/>
        <source>Certaines stations n&apos;ont pas pu être chargées :</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="189"/>
        <source>… et %1 autre(s) erreur(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="198"/>
        <source>Les stations n&apos;ont pas pu être chargées : %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="342"/>
        <source>maliradio %1
Radios, télévisions et actualités du Mali, du Burkina Faso et du Niger.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlayerBar</name>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="34"/>
        <location filename="../../src/maliradio/ui/playerbar.py" line="94"/>
        <source>Lecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="35"/>
        <source>Lecture / arrêt (Espace)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="37"/>
        <source>Choisissez une station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="38"/>
        <source>État du lecteur</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="41"/>
        <source>Titre en cours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="47"/>
        <source>Réessayer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="52"/>
        <source>Couper le son</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="53"/>
        <source>Couper le son (M)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="57"/>
        <location filename="../../src/maliradio/ui/playerbar.py" line="58"/>
        <source>Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="94"/>
        <source>Arrêt</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlayerEngine</name>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="232"/>
        <source>Aucun flux connu pour cette station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="357"/>
        <source>Listes de lecture imbriquées sans fin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="405"/>
        <source>libVLC n&apos;a pas pu ouvrir le flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="428"/>
        <source>Le flux n&apos;a pas pu être lu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="430"/>
        <source>Le flux s&apos;est interrompu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="478"/>
        <source>Le flux ne transmet plus rien</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="488"/>
        <source>Le flux ne démarre pas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="529"/>
        <source>aucune réponse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="531"/>
        <source>Aucun des %1 flux ne répond (%2). Réessayez plus tard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="534"/>
        <source>Le flux ne répond pas (%1). Réessayez plus tard.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QCoreApplication</name>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="35"/>
        <source>Stations</source>
        <comment>Mali</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StationCard</name>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="48"/>
        <source>maliradio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="50"/>
        <source>Radios et télévisions du Mali, du Burkina Faso et du Niger.&lt;br&gt;Choisissez une station dans la liste.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="62"/>
        <source>Télévision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="62"/>
        <source>Radio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="66"/>
        <source>Langues : %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="68"/>
        <source>Aucun flux connu pour cette station.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StationDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="23"/>
        <source>Modifier la station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="23"/>
        <source>Ajouter une station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="29"/>
        <source>Radio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="30"/>
        <source>Télévision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="39"/>
        <source>Nom :</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="40"/>
        <source>Adresse du flux :</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="41"/>
        <source>Type :</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="42"/>
        <source>Pays :</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StationList</name>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="86"/>
        <source>Filtrer les stations…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="88"/>
        <source>Filtrer les stations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="93"/>
        <source>Stations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="95"/>
        <source>Ajouter une station…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="131"/>
        <source>Favoris</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="154"/>
        <source>(aucun flux connu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="157"/>
        <source>Télévision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="157"/>
        <source>Radio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="228"/>
        <source>Retirer des favoris</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="228"/>
        <source>Ajouter aux favoris</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="233"/>
        <source>Modifier…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="235"/>
        <source>Supprimer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoArea</name>
    <message>
        <location filename="../../src/maliradio/ui/video.py" line="26"/>
        <source>Image de la télévision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../src/maliradio/ui/video.py" line="27"/>
        <source>Double-clic ou F : plein écran ; Échap : quitter le plein écran</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
