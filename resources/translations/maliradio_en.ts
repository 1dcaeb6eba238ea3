<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name></name>
    <message>
        <location filename="../../src/maliradio/news/timefmt.py" line="+59"/>
        <source>{day} {month} {year} à {hh:02d}:{mm:02d}</source>
        <translation>{month} {day}, {year} at {hh:02d}:{mm:02d}</translation>
    </message>
</context>
<context>
    <name>DataUseDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/datause.py" line="+138"/>
        <source>Données consommées</source>
        <translation>Data used</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 : %2 (flux %3, actualités %4, logos %5)</source>
        <translation>%1: %2 (streams %3, news %4, logos %5)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>≈ %1/h</source>
        <translation>≈ %1/h</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>actualités</source>
        <translation>news</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ce mois</source>
        <translation>This month</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Forfait mensuel (0 : aucun)</source>
        <translation>Monthly allowance (0: none)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Forfait mensuel en mégaoctets</source>
        <translation>Monthly allowance in megabytes</translation>
    </message>
</context>
<context>
    <name>DataUseLabel</name>
    <message>
        <location line="-128"/>
        <source>Données consommées</source>
        <translation>Data used</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Données reçues du réseau (cliquer pour le détail)</source>
        <translation>Data received from the network (click for details)</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>%1 cette session · %2 ce mois</source>
        <translation>%1 this session · %2 this month</translation>
    </message>
</context>
<context>
    <name>DayBars</name>
    <message>
        <location line="+23"/>
        <source>Consommation par jour</source>
        <translation>Use per day</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Jour le plus chargé : %1</source>
        <translation>Busiest day: %1</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <location filename="../../src/maliradio/ui/desktop/__init__.py" line="+110"/>
        <source>Télévision en cours : %1</source>
        <translation>Watching TV: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Radio en cours : %1</source>
        <translation>Listening to the radio: %1</translation>
    </message>
</context>
<context>
    <name>Languages</name>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="+14"/>
        <source>français</source>
        <translation>French</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bambara</source>
        <translation>Bambara</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>peul</source>
        <translation>Fula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>songhaï</source>
        <translation>Songhay</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tamasheq</source>
        <translation>Tamasheq</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mooré</source>
        <translation>Mooré</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dioula</source>
        <translation>Dyula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>haoussa</source>
        <translation>Hausa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>zarma</source>
        <translation>Zarma</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>anglais</source>
        <translation>English</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>arabe</source>
        <translation>Arabic</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>kanouri</source>
        <translation>Kanuri</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mandingue</source>
        <translation>Mandinka</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>gourmantché</source>
        <translation>Gourmanchéma</translation>
    </message>
</context>
<context>
    <name>ListeningTools</name>
    <message>
        <location filename="../../src/maliradio/ui/listening.py" line="+56"/>
        <source>Enregistrer</source>
        <translation>Record</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enregistrements programmés…</source>
        <translation>Scheduled recordings…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Économie de données</source>
        <translation>Data saver</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>TV à la qualité la plus légère, radio au débit le plus bas, actualités sans images ni pages, actualisées deux fois moins souvent</source>
        <translation>TV at the lightest quality, radio at the lowest bitrate, news without pictures or pages, refreshed half as often</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Données consommées…</source>
        <translation>Data used…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>≈ %1/h</source>
        <translation>≈ %1/h</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Vous avez utilisé %1 de votre forfait de %2 ce mois-ci (80 %).</source>
        <translation>You have used %1 of your %2 plan this month (80%).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Forfait du mois atteint : %1 sur %2.</source>
        <translation>Monthly plan reached: %1 of %2.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Forfait atteint</source>
        <translation>Plan reached</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Vous avez utilisé %1, tout votre forfait de %2 ce mois-ci. Activer l&apos;économie de données ?</source>
        <translation>You have used %1, all of your %2 plan this month. Turn on the data saver?</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Enregistrement impossible : %1</source>
        <translation>Cannot record: %1</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Enregistrement programmé impossible : la station %1 n&apos;existe plus</source>
        <translation>Scheduled recording impossible: the station %1 no longer exists</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Enregistrement manqué (l&apos;application était fermée) : %1 à %2</source>
        <translation>Recording missed (the app was closed): %1 at %2</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/maliradio/ui/mainwindow.py" line="+190"/>
        <source>&amp;Fichier</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ajouter une station…</source>
        <translation>Add a station…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sources d&apos;actualités…</source>
        <translation>News sources…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Préférences…</source>
        <translation>Preferences…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quitter</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Lecture</source>
        <translation>&amp;Playback</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lecture / arrêt</source>
        <translation>Play / stop</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Couper le son</source>
        <translation>Mute</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Plein écran</source>
        <translation>Full screen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Reprendre la dernière station au démarrage</source>
        <translation>Resume the last station at start</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Aide</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+426"/>
        <source>À propos de maliradio</source>
        <translation>About maliradio</translation>
    </message>
    <message>
        <location line="-410"/>
        <source>Lecture impossible : %1 Les actualités restent disponibles.</source>
        <translation>Cannot play: %1 The news is still available.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Certaines stations n&apos;ont pas pu être chargées :</source>
        <translation>Some stations could not be loaded:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>… et %1 autre(s) erreur(s)</source>
        <translation>… and %1 more error(s)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Le catalogue de stations publié a été ignoré : %1. Les stations connues restent.</source>
        <translation>The published station catalogue was ignored: %1. The known stations remain.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Les stations n&apos;ont pas pu être chargées : %1</source>
        <translation>The stations could not be loaded: %1</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>Station inconnue : %1</source>
        <translation>Unknown station: %1</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>maliradio %1
Radios, télévisions et actualités du Mali, du Burkina Faso et du Niger.</source>
        <translation>maliradio %1
Radio, television and news from Mali, Burkina Faso and Niger.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>maliradio joue toujours</source>
        <translation>maliradio is still playing</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>La fenêtre est fermée mais la radio continue : l&apos;icône de maliradio dans la zone de notification la rouvre ou l&apos;arrête.</source>
        <translation>The window is closed but the radio plays on: the maliradio icon in the notification area opens it again or stops it.</translation>
    </message>
</context>
<context>
    <name>NewsPane</name>
    <message>
        <location filename="../../src/maliradio/ui/news_pane.py" line="+150"/>
        <source>non lu, </source>
        <translation>unread, </translation>
    </message>
    <message>
        <location line="+401"/>
        <source>Pays</source>
        <translation>Country</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tous les pays</source>
        <translation>All countries</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mali</source>
        <translation>Mali</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Burkina Faso</source>
        <translation>Burkina Faso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Niger</source>
        <translation>Niger</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>International</source>
        <translation>International</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+289"/>
        <source>Toutes les sources</source>
        <translation>All sources</translation>
    </message>
    <message>
        <location line="-284"/>
        <location line="+365"/>
        <source>Actualiser</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location line="-364"/>
        <location line="+365"/>
        <source>Télécharger les nouveaux articles</source>
        <translation>Download the new articles</translation>
    </message>
    <message>
        <location line="-364"/>
        <source>Tout marquer comme lu</source>
        <translation>Mark all as read</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gérer les sources…</source>
        <translation>Manage sources…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sources, tout marquer comme lu</source>
        <translation>Sources, mark all as read</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plus d&apos;actions</source>
        <translation>More actions</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Rechercher dans les articles…</source>
        <translation>Search the articles…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recherche</source>
        <translation>Search</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Hors ligne : articles enregistrés affichés</source>
        <translation>Offline: showing saved articles</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Articles</source>
        <translation>Articles</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Article</source>
        <translation>Article</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+642"/>
        <source>Garder</source>
        <translation>Keep</translation>
    </message>
    <message>
        <location line="-640"/>
        <source>Garder cet article (il ne sera jamais effacé)</source>
        <translation>Keep this article (it will never be deleted)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ouvrir dans le navigateur</source>
        <translation>Open in the browser</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Actualisation…</source>
        <translation>Refreshing…</translation>
    </message>
    <message>
        <location line="+131"/>
        <source>désactivée</source>
        <translation>disabled</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Aucun article ne contient « %1 ».</source>
        <translation>No article contains “%1”.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pas encore d&apos;articles. Appuyez sur « Actualiser » pour les télécharger.</source>
        <translation>No articles yet. Press “Refresh” to download them.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Arrêter</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arrêter l&apos;actualisation (les articles reçus sont gardés)</source>
        <translation>Stop refreshing (the articles received are kept)</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Actualisation… %1/%2</source>
        <translation>Refreshing… %1/%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Actualisation… %1</source>
        <translation>Refreshing… %1</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Pas de connexion : les sources n&apos;ont pas pu être jointes.</source>
        <translation>No connection: the sources could not be reached.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 nouvel(s) article(s) · %2 Ko reçus</source>
        <translation>%1 new article(s) · %2 kB received</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 source(s) en erreur</source>
        <translation>%1 source(s) failed</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Actualisation arrêtée. Les articles reçus sont gardés.</source>
        <translation>Refresh stopped. The articles received are kept.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>L&apos;actualisation n&apos;a pas pu démarrer. Les articles enregistrés restent affichés.</source>
        <translation>The refresh could not start. The saved articles are still shown.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>L&apos;actualisation s&apos;est arrêtée à cause d&apos;une erreur. Les articles enregistrés restent affichés.</source>
        <translation>The refresh stopped because of an error. The saved articles are still shown.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Cette source ne donne que le titre : ouvrez l&apos;article dans le navigateur.</source>
        <translation>This source gives only the title: open the article in the browser.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Choisissez un article dans la liste pour le lire ici.</source>
        <translation>Choose an article in the list to read it here.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Afficher l&apos;image</source>
        <translation>Show the picture</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Afficher l&apos;image (%1)</source>
        <translation>Show the picture (%1)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Téléchargement de l&apos;image…</source>
        <translation>Downloading the picture…</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Articles marqués comme lus.</source>
        <translation>Articles marked as read.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Article supprimé.</source>
        <translation>Article deleted.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Ne plus garder</source>
        <translation>Stop keeping</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Supprimer</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Erreur : %1</source>
        <translation>Error: %1</translation>
    </message>
</context>
<context>
    <name>Player</name>
    <message>
        <location filename="../../src/maliradio/ui/i18n.py" line="+120"/>
        <source>Choisissez une station</source>
        <translation>Choose a station</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connexion à %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mise en mémoire tampon (%1 %)…</source>
        <translation>Buffering (%1 %)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>En lecture : %1</source>
        <translation>Playing: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 — reconnexion, essai %2 dans %3 s</source>
        <translation>%1 — reconnecting, attempt %2 in %3 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>flux interrompu</source>
        <translation>stream interrupted</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lecture impossible</source>
        <translation>Cannot play</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arrêté</source>
        <translation>Stopped</translation>
    </message>
</context>
<context>
    <name>PlayerBar</name>
    <message>
        <location filename="../../src/maliradio/ui/playerbar.py" line="+36"/>
        <location line="+75"/>
        <source>Lecture</source>
        <translation>Play</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Lecture / arrêt (Espace)</source>
        <translation>Play / stop (Space)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choisissez une station</source>
        <translation>Choose a station</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>État du lecteur</source>
        <translation>Player status</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Titre en cours</source>
        <translation>Now playing</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Minuterie d&apos;arrêt : cliquer pour l&apos;annuler</source>
        <translation>Sleep timer: click to cancel it</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Réessayer</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+104"/>
        <source>Enregistrer</source>
        <translation>Record</translation>
    </message>
    <message>
        <location line="-99"/>
        <source>Couper le son</source>
        <translation>Mute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Couper le son (M)</source>
        <translation>Mute (M)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>Volume</source>
        <translation>Volume</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Arrêt</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Arrêt dans %1</source>
        <translation>Stops in %1</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Enregistrer ce qui est en lecture (Ctrl+R)</source>
        <translation>Record what is playing (Ctrl+R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enregistrement</source>
        <translation>Recording</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enregistrement dans %1 (cliquer pour arrêter)</source>
        <translation>Recording to %1 (click to stop)</translation>
    </message>
</context>
<context>
    <name>PlayerEngine</name>
    <message>
        <location filename="../../src/maliradio/playback/engine.py" line="+266"/>
        <source>Aucun flux connu pour cette station</source>
        <translation>No known stream for this station</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>Rien à enregistrer : aucune station en lecture</source>
        <translation>Nothing to record: no station is playing</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Nom de fichier impossible pour un enregistrement</source>
        <translation>Impossible file name for a recording</translation>
    </message>
    <message>
        <location line="+211"/>
        <source>Listes de lecture imbriquées sans fin</source>
        <translation>Endlessly nested playlists</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Lecture impossible : %1</source>
        <translation>Cannot play: %1</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>libVLC n&apos;a pas pu ouvrir le flux</source>
        <translation>libVLC could not open the stream</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Le flux n&apos;a pas pu être lu</source>
        <translation>The stream could not be read</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Le flux s&apos;est interrompu</source>
        <translation>The stream was interrupted</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Le flux ne transmet plus rien</source>
        <translation>The stream sends nothing any more</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Le flux ne démarre pas</source>
        <translation>The stream does not start</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Ce flux renvoie vers des adresses refusées (fichiers ou réseau local de cet ordinateur) : elles n&apos;ont pas été ouvertes</source>
        <translation>This stream points to refused addresses (files or this computer&apos;s local network): they were not opened</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>aucune réponse</source>
        <translation>no answer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Aucun des %1 flux ne répond (%2). Réessayez plus tard.</source>
        <translation>None of the %1 streams answers (%2). Try again later.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Le flux ne répond pas (%1). Réessayez plus tard.</source>
        <translation>The stream does not answer (%1). Try again later.</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/prefs.py" line="+23"/>
        <source>Préférences</source>
        <translation>Preferences</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>jamais</source>
        <translation>never</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Actualiser les actualités toutes les</source>
        <translation>Refresh the news every</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Télécharger le texte entier des articles</source>
        <translation>Download the full text of the articles</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pour les sources qui ne donnent qu&apos;un résumé : la page de l&apos;article est lue</source>
        <translation>For sources that give only a summary: the article&apos;s page is read</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fermer la fenêtre pendant la lecture laisse jouer la radio</source>
        <translation>Closing the window while playing keeps the radio playing</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>L&apos;icône de la zone de notification la rouvre</source>
        <translation>The notification area icon opens it again</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Annoncer chaque nouveau titre par une notification</source>
        <translation>Announce each new title with a notification</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reprendre la dernière station au démarrage</source>
        <translation>Resume the last station at start</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Langue de l&apos;interface</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Celle du système</source>
        <translation>The system&apos;s</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>La langue change au prochain démarrage.</source>
        <translation>The language changes at the next start.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Actualiser les actualités toutes les :</source>
        <translation>Refresh the news every:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Langue :</source>
        <translation>Language:</translation>
    </message>
</context>
<context>
    <name>RelativeTime</name>
    <message>
        <location filename="../../src/maliradio/ui/i18n.py" line="+3"/>
        <source>à l&apos;instant</source>
        <translation>just now</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>il y a {n} min</source>
        <translation>{n} min ago</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>il y a {n} h</source>
        <translation>{n} h ago</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hier</source>
        <translation>yesterday</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>il y a {n} jours</source>
        <translation>{n} days ago</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day} {month}</source>
        <translation>{month} {day}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day} {month} {year}</source>
        <translation>{month} {day}, {year}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{day} {month} {year} à {hh:02d}:{mm:02d}</source>
        <translation>{month} {day}, {year} at {hh:02d}:{mm:02d}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>janv.</source>
        <translation>Jan</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>févr.</source>
        <translation>Feb</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mars</source>
        <translation>Mar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>avr.</source>
        <translation>Apr</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mai</source>
        <translation>May</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>juin</source>
        <translation>Jun</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>juil.</source>
        <translation>Jul</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>août</source>
        <translation>Aug</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sept.</source>
        <translation>Sep</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>oct.</source>
        <translation>Oct</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>nov.</source>
        <translation>Nov</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>déc.</source>
        <translation>Dec</translation>
    </message>
</context>
<context>
    <name>ScheduleDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/recordings.py" line="+105"/>
        <location line="+7"/>
        <source>Enregistrements programmés</source>
        <translation>Scheduled recordings</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Supprimer</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+14"/>
        <source>Station</source>
        <translation>Station</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Heure de début</source>
        <translation>Start time</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>heure de cet ordinateur</source>
        <translation>this computer&apos;s time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fuseau horaire</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+8"/>
        <source>Durée</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Début</source>
        <translation>Start</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Programmer</source>
        <translation>Schedule</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>aujourd&apos;hui</source>
        <translation>today</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>demain</source>
        <translation>tomorrow</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Commence %1 à %2, heure de cet ordinateur</source>
        <translation>Starts %1 at %2, this computer&apos;s time</translation>
    </message>
</context>
<context>
    <name>SleepAtDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="+80"/>
        <source>Arrêter la lecture à…</source>
        <translation>Stop playing at…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Heure d&apos;arrêt</source>
        <translation>Stop time</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Arrêter la lecture à :</source>
        <translation>Stop playing at:</translation>
    </message>
</context>
<context>
    <name>SleepTimer</name>
    <message>
        <location filename="../../src/maliradio/ui/sleeptimer.py" line="+107"/>
        <source>Minuterie d&apos;arrêt</source>
        <translation>Sleep timer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Désactivée</source>
        <translation>Off</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Dans %1 min</source>
        <translation>In %1 min</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>À une heure précise…</source>
        <translation>At a set time…</translation>
    </message>
</context>
<context>
    <name>SourcesDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/sources.py" line="+102"/>
        <source>Le site a retiré ce flux : source désactivée</source>
        <translation>The site removed this feed: source disabled</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Désactivée</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location line="+38"/>
        <location line="+188"/>
        <source>Erreur : %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <location line="-187"/>
        <source>inconnue</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Le serveur demande d&apos;attendre avant de revenir</source>
        <translation>The server asks to wait before coming back</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Bien reçue %1</source>
        <translation>Received %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bien reçue</source>
        <translation>Received</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Jamais actualisée</source>
        <translation>Never refreshed</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Flux introuvable sur le site (erreur %1) : son adresse a peut-être changé</source>
        <translation>Feed not found on the site (error %1): its address may have changed</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Le site refuse l&apos;accès à son flux (erreur %1)</source>
        <translation>The site refuses access to its feed (error %1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Le site est en panne (erreur %1) : nouvel essai à la prochaine actualisation</source>
        <translation>The site is down (error %1): tried again at the next refresh</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Le site ne répond pas : pas de connexion, ou son serveur est arrêté</source>
        <translation>The site does not answer: no connection, or its server is down</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sources d&apos;actualités</source>
        <translation>News sources</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sources</source>
        <translation>Sources</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pays</source>
        <translation>Country</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Articles</source>
        <translation>Articles</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Non lus</source>
        <translation>Unread</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>État</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cochée : la source est actualisée avec les autres</source>
        <translation>Ticked: the source is refreshed with the others</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Renommer…</source>
        <translation>Rename…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retirer…</source>
        <translation>Remove…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Importer OPML…</source>
        <translation>Import OPML…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exporter OPML…</source>
        <translation>Export OPML…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Adresse du site ou du flux, ex. https://…</source>
        <translation>Address of the site or feed, e.g. https://…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adresse du site ou du flux</source>
        <translation>Address of the site or feed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pays de la nouvelle source</source>
        <translation>Country of the new source</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pays (facultatif)</source>
        <translation>Country (optional)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chercher</source>
        <translation>Look up</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trouver le flux d&apos;actualités de cette adresse</source>
        <translation>Find the news feed of this address</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Derniers titres de la source trouvée</source>
        <translation>Latest titles of the source found</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ajouter cette source</source>
        <translation>Add this source</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Résultat de la recherche</source>
        <translation>Result of the look-up</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ajouter une source</source>
        <translation>Add a source</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+102"/>
        <source>« %1 » activée.</source>
        <translation>“%1” enabled.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>« %1 » désactivée.</source>
        <translation>“%1” disabled.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Renommer la source</source>
        <translation>Rename the source</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Nouveau nom :</source>
        <translation>New name:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Source renommée.</source>
        <translation>Source renamed.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Retirer la source</source>
        <translation>Remove the source</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retirer « %1 » et ses articles enregistrés ?</source>
        <translation>Remove “%1” and its saved articles?</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>« %1 » retirée.</source>
        <translation>“%1” removed.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Écrivez d&apos;abord l&apos;adresse d&apos;un site ou d&apos;un flux.</source>
        <translation>First type the address of a site or a feed.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recherche du flux de %1…</source>
        <translation>Looking for the feed of %1…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Aucun flux d&apos;actualités trouvé à %1. Essayez l&apos;adresse du flux (RSS ou Atom).</source>
        <translation>No news feed found at %1. Try the address of the feed (RSS or Atom).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Le serveur de %1 a refusé la demande ou ne connaît pas cette page.</source>
        <translation>The server of %1 refused the request or does not know this page.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>« %1 » n&apos;est pas une adresse web (http ou https).</source>
        <translation>“%1” is not a web address (http or https).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Le site %1 ne répond pas. Vérifiez l&apos;adresse et la connexion.</source>
        <translation>The site %1 does not answer. Check the address and the connection.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Impossible d&apos;ajouter %1 : %2</source>
        <translation>Cannot add %1: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Impossible d&apos;ajouter %1 : erreur inattendue.</source>
        <translation>Cannot add %1: unexpected error.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Trouvée : %1 — ses derniers titres :</source>
        <translation>Found: %1 — its latest titles:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(aucun article pour l&apos;instant)</source>
        <translation>(no articles yet)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Cette source est déjà présente : %1</source>
        <translation>This source is already there: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>« %1 » ajoutée.</source>
        <translation>“%1” added.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Importer des sources</source>
        <translation>Import sources</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listes de flux OPML (*.opml *.xml);;Tous les fichiers (*)</source>
        <translation>OPML feed lists (*.opml *.xml);;All files (*)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Importation…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 source(s) ajoutée(s), %2 déjà présente(s).</source>
        <translation>%1 source(s) added, %2 already there.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Exporter les sources</source>
        <translation>Export sources</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listes de flux OPML (*.opml)</source>
        <translation>OPML feed lists (*.opml)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 source(s) exportée(s) dans %2.</source>
        <translation>%1 source(s) exported to %2.</translation>
    </message>
</context>
<context>
    <name>StationCard</name>
    <message>
        <location filename="../../src/maliradio/ui/card.py" line="+28"/>
        <source>Données par heure</source>
        <translation>Data per hour</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>maliradio</source>
        <translation>maliradio</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Radios et télévisions du Mali, du Burkina Faso et du Niger.&lt;br&gt;Choisissez une station dans la liste.</source>
        <translation>Radio and television from Mali, Burkina Faso and Niger.&lt;br&gt;Choose a station in the list.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Télévision</source>
        <translation>Television</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Radio</source>
        <translation>Radio</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Langues : %1</source>
        <translation>Languages: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Aucun flux connu pour cette station.</source>
        <translation>No known stream for this station.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Données consommées par heure d&apos;écoute de cette station</source>
        <translation>Data used per hour of listening to this station</translation>
    </message>
</context>
<context>
    <name>StationDialog</name>
    <message>
        <location filename="../../src/maliradio/ui/dialogs.py" line="-60"/>
        <source>Modifier la station</source>
        <translation>Edit the station</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ajouter une station</source>
        <translation>Add a station</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nom</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Adresse du flux</source>
        <translation>Stream address</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Radio</source>
        <translation>Radio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Télévision</source>
        <translation>Television</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Pays</source>
        <translation>Country</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nom :</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adresse du flux :</source>
        <translation>Stream address:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type :</source>
        <translation>Type:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pays :</source>
        <translation>Country:</translation>
    </message>
</context>
<context>
    <name>StationList</name>
    <message>
        <location filename="../../src/maliradio/ui/stations.py" line="+99"/>
        <source>Filtrer les stations…</source>
        <translation>Filter the stations…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filtrer les stations</source>
        <translation>Filter the stations</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stations</source>
        <translation>Stations</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ajouter une station…</source>
        <translation>Add a station…</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>en cours de lecture</source>
        <translation>playing</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Favoris</source>
        <translation>Favourites</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>(aucun flux connu)</source>
        <translation>(no known stream)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(ne répond plus depuis %1 jours)</source>
        <translation>(not answering for %1 days)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(ne répond plus)</source>
        <translation>(not answering)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Télévision</source>
        <translation>Television</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Radio</source>
        <translation>Radio</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Retirer des favoris</source>
        <translation>Remove from favourites</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ajouter aux favoris</source>
        <translation>Add to favourites</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Modifier…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Supprimer</source>
        <translation>Delete</translation>
    </message>
</context>
<context>
    <name>Stations</name>
    <message>
        <location line="-261"/>
        <source>Mali</source>
        <translation>Mali</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Burkina Faso</source>
        <translation>Burkina Faso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Niger</source>
        <translation>Niger</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>International</source>
        <translation>International</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../src/maliradio/ui/tray.py" line="+29"/>
        <source>Menu de maliradio</source>
        <translation>maliradio menu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Afficher la fenêtre</source>
        <translation>Show the window</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+73"/>
        <source>Lecture</source>
        <translation>Play</translation>
    </message>
    <message>
        <location line="-71"/>
        <source>Stations</source>
        <translation>Stations</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Quitter</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>(aucune station)</source>
        <translation>(no station)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Arrêter</source>
        <translation>Stop</translation>
    </message>
</context>
<context>
    <name>VideoArea</name>
    <message>
        <location filename="../../src/maliradio/ui/video.py" line="+26"/>
        <source>Image de la télévision</source>
        <translation>Television picture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Double-clic ou F : plein écran ; Échap : quitter le plein écran</source>
        <translation>Double-click or F: full screen; Esc: leave full screen</translation>
    </message>
</context>
</TS>
